"""The deployment files are real: the Kubernetes overlays render with kustomize and validate against the
Kubernetes API schemas, hold what a production rollout needs, and the Grafana dashboard asks only for
metrics the services expose."""

import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from tests.conftest import LifespanApp, client_for

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["city", "province"]
KUBERNETES_VERSION = "1.30"


def render(overlay: str) -> list[dict[str, Any]]:
    return list(_rendered(overlay))


@functools.cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kubectl (with kustomize) is needed in CI to render deploy/k8s")
        pytest.skip("kubectl is not installed")
    out = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, check=True
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in render(overlay) if o["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = deployment["spec"]["template"]["spec"]["containers"][0]
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    rendered = render(overlay)

    for obj in rendered:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    kinds = sorted({o["kind"] for o in rendered})
    assert kinds == [
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_deployment_has_an_autoscaler_a_disruption_budget_and_bounded_resources(overlay: str) -> None:
    deployments = objects(overlay, "Deployment")
    scalers = objects(overlay, "HorizontalPodAutoscaler")
    budgets = objects(overlay, "PodDisruptionBudget")

    assert set(deployments) == {"lingong-postings", "lingong-matching"}
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert scalers[name]["spec"]["scaleTargetRef"]["name"] == name
        assert scalers[name]["spec"]["minReplicas"] >= 2
        assert scalers[name]["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()
        resources = container(deployment)["resources"]
        assert resources["requests"]["cpu"]
        assert resources["requests"]["memory"]
        assert resources["limits"]["memory"]
        assert "replicas" not in deployment["spec"]  # the autoscaler owns the count


def test_the_province_holds_more_of_the_index_and_more_pods_than_a_city() -> None:
    def size(overlay: str) -> tuple[int, str]:
        matching = objects(overlay, "Deployment")["lingong-matching"]
        scaler = objects(overlay, "HorizontalPodAutoscaler")["lingong-matching"]
        return scaler["spec"]["maxReplicas"], container(matching)["resources"]["limits"]["memory"]

    city, province = size("city"), size("province")

    assert province[0] > city[0]
    assert int(province[1].rstrip("Gi")) > int(city[1].rstrip("Gi"))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_matching_takes_traffic_only_when_its_engine_is_ready(overlay: str) -> None:
    matching = container(objects(overlay, "Deployment")["lingong-matching"])

    assert matching["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert matching["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "startupProbe" in matching  # loading an index is slow: not a reason to restart


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_matching_may_reach_only_postings_its_database_redis_and_dns(overlay: str) -> None:
    policy = objects(overlay, "NetworkPolicy")["lingong-matching"]["spec"]

    reached = set()
    for rule in policy["egress"]:
        for peer in rule["to"]:
            labels = peer["podSelector"]["matchLabels"]
            reached.add(labels.get("app") or labels.get("app.kubernetes.io/name") or labels.get("k8s-app"))

    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert reached == {"lingong-postings", "postgresql", "redis", "kube-dns"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_schema_is_made_by_the_migrate_job(overlay: str) -> None:
    job = objects(overlay, "Job")["lingong-migrate"]

    assert container(job)["command"] == ["lingong", "migrate"]


def test_every_province_matching_pod_reads_the_stream_with_a_durable_of_its_own() -> None:
    env = {e["name"]: e for e in container(objects("province", "Deployment")["lingong-matching"])["env"]}

    assert env["MATCHING_REPLICA__TRANSPORT"]["value"] == "jetstream"
    assert env["MATCHING_REPLICA__JETSTREAM_DURABLE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


async def test_the_dashboard_asks_only_for_metrics_the_services_expose(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings, clock: ManualClock
) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "lingong.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    postings = create_postings(
        PostingsSettings(database_url=await make_database("postings"), auth=auth_settings),
        clock,
        background=False,
    )
    matching = create_matching(
        MatchingSettings(database_url=await make_database("matching"), auth=auth_settings)
    )
    exposed = set()
    for app in (postings, matching):
        async with LifespanApp(app), client_for(app) as c:
            await c.get("/healthz")
            text = (await c.get("/metrics")).text
        exposed |= set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", text, flags=re.M))

    asked = {m for e in exprs for m in re.findall(r"\b([a-z_]+_(?:total|bucket|seconds|count|sum))\b", e)}

    assert asked, "the dashboard queries no metric"
    assert asked <= exposed, asked - exposed
