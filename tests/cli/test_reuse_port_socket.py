"""The `serve --workers` listening socket: connections accepted on it are served without Nagle's delay."""

import asyncio
import socket

from services.workers import reuse_port_socket


async def test_connections_accepted_on_the_reuse_port_socket_have_nagle_turned_off() -> None:
    listening = reuse_port_socket("127.0.0.1", 0)
    port = listening.getsockname()[1]
    nodelay: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        nodelay.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=listening)  # as uvicorn serves `sockets=`
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            assert await asyncio.wait_for(nodelay, 5) == 1
        finally:
            writer.close()
            await writer.wait_closed()
    finally:
        server.close()
        await server.wait_closed()
