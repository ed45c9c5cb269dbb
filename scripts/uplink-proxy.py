#!/usr/bin/env python3
"""A simulated consumer uplink between the uploader and the local S3 server, for scripts/bench-uplink.sh.

This kernel has no netem, so the link is emulated in user space. Each connection gets a round-trip time drawn from
--rtt-ms (e.g. 20-40), added half in each direction as a delay line: bytes leave the proxy that long after they
arrived, in order, without slowing what follows (as on a real link, unlike a sleep per read). Bytes to the server share
one --mbit cap across all connections, as an uplink does; bytes back are only delayed. Each direction of a connection
holds at most --window bytes in flight, as a TCP window would, so one connection cannot exceed window / RTT.

    uplink-proxy.py LISTEN_PORT UPSTREAM_HOST:PORT --mbit 2000 --rtt-ms 20-40 [--window 4MiB] [--carried-log FILE]

The outage switch: SIGUSR1 drops the link (every open connection is reset, new ones are refused), SIGUSR2 brings it
back, as a consumer uplink that goes down for minutes. With --carried-log, every 0.1 s a line "SECONDS BYTES" (since
start, bytes carried to the server so far) is appended to FILE, for benchmarks that act at a point of an upload or
measure the rate over time.

Prints "listening on PORT" when ready, and on SIGTERM the bytes and seconds it carried to the server.
"""
import argparse
import asyncio
import random
import signal
import time

READ = 256 * 1024


class Link:
    """The shared uplink: a virtual clock of when the wire is next free (a token bucket with no burst)."""

    def __init__(self, bytes_per_second):
        self.rate = bytes_per_second
        self.free_at = 0.0
        self.carried = 0
        self.first = None
        self.last = None

    async def send(self, n):
        now = time.monotonic()
        start = max(now, self.free_at)
        self.free_at = start + n / self.rate
        self.carried += n
        self.first = self.first or now
        self.last = self.free_at
        await asyncio.sleep(self.free_at - now)


async def pipe(reader, writer, delay, link, window):
    """Copies reader to writer through a delay line holding at most `window` bytes."""
    queue = asyncio.Queue(maxsize=max(1, window // READ))

    async def pump():
        while True:
            data = await reader.read(READ)
            if link is not None and data:
                await link.send(len(data))
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return

    async def drain():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(pump(), drain())
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("listen", type=int)
    parser.add_argument("upstream")
    parser.add_argument("--mbit", type=float, required=True)
    parser.add_argument("--rtt-ms", default="20-40")
    parser.add_argument("--window", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--carried-log")
    args = parser.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    low, _, high = args.rtt_ms.partition("-")
    rtt = (float(low) / 1000, float(high or low) / 1000)
    link = Link(args.mbit * 1_000_000 / 8)

    down = False
    open_writers = set()

    def drop():
        nonlocal down
        down = True
        for writer in list(open_writers):
            writer.transport.abort()
        open_writers.clear()

    def restore():
        nonlocal down
        down = False

    async def serve(client_reader, client_writer):
        if down:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        open_writers.update((client_writer, server_writer))
        half = random.uniform(*rtt) / 2
        try:
            await asyncio.gather(
                pipe(client_reader, server_writer, half, link, args.window),
                pipe(server_reader, client_writer, half, None, args.window))
        finally:
            open_writers.discard(client_writer)
            open_writers.discard(server_writer)

    async def log_carried():
        start = time.monotonic()
        with open(args.carried_log, "a", buffering=1) as log:
            while True:
                log.write(f"{time.monotonic() - start:.1f} {link.carried}\n")
                await asyncio.sleep(0.1)

    server = await asyncio.start_server(serve, "127.0.0.1", args.listen, limit=READ)
    print(f"listening on {args.listen}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, drop)
    loop.add_signal_handler(signal.SIGUSR2, restore)
    logger = asyncio.create_task(log_carried()) if args.carried_log else None
    async with server:
        await stop.wait()
    if logger:
        logger.cancel()
    seconds = (link.last - link.first) if link.first else 0
    print(f"carried {link.carried} bytes to the server in {seconds:.2f} s", flush=True)


asyncio.run(main())
