from services.kit.problems import NotFound


class WorkerNotFound(NotFound):
    code, title, title_zh = "worker_not_found", "Worker not found", "未找到该劳动者"
