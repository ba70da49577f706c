#!/usr/bin/env python3
"""Run `faultline-cli embed|predict --shard K/N` on a Dask `distributed` cluster, then merge.

Each of the N shards is one task that runs faultline-cli on a worker (the dataset folder and the
output folder must be visible to every worker, e.g. on a shared file system). A worker that is
killed or fails is retried; a shard that finished earlier is not redone (faultline-cli skips it),
so the whole command can simply be run again. With --import-into the shards are merged into the
project with `faultline-cli import` at the end.

  faultline_dask.py --scheduler tcp://head:8786 --shards 64 --out /shared/shards \\
      --import-into /shared/dataset embed -- --dataset /shared/dataset --model ViT-B-32

  faultline_dask.py --local-workers 2 --shards 4 --out shards embed -- --dataset data --model m.pt
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys

from dask.distributed import Client, LocalCluster, as_completed

EXIT_FAILED_IMAGES = 1  # faultline-cli: the shard finished, some images could not be decoded


def shard_manifest(out, kind, k, n):
    return os.path.join(out, f"{kind}-{k:05d}-of-{n:05d}.json")


def run_shard(cli, command, extra, k, n, out):
    """One shard on a worker: raises (so Dask retries) unless its manifest was written."""
    args = [cli, command, *extra, "--shard", f"{k}/{n}", "--out", out]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kind = "embeddings" if command == "embed" else "predictions"
    manifest = shard_manifest(out, kind, k, n)
    if done.returncode not in (0, EXIT_FAILED_IMAGES) or not os.path.exists(manifest):
        raise RuntimeError(f"shard {k}/{n}: faultline-cli exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    with open(manifest, encoding="utf-8") as f:
        failed = len(json.load(f).get("failed", []))
    return {"shard": k, "failed_images": failed, "worker": f"{socket.gethostname()}:{os.getpid()}"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", help="address of a running distributed scheduler (tcp://host:8786)")
    where.add_argument("--local-workers", type=int, help="start a LocalCluster of this many worker processes")
    parser.add_argument("--shards", type=int, required=True, help="N: how many shards the dataset is split into")
    parser.add_argument("--out", required=True, help="shard folder, shared by every worker")
    parser.add_argument("--cli", default=shutil.which("faultline-cli") or "faultline-cli",
                        help="faultline-cli on the workers (default: the one on PATH)")
    parser.add_argument("--retries", type=int, default=2, help="times a failed or lost shard is tried again")
    parser.add_argument("--import-into", metavar="DATASET", help="merge the shards into DATASET's project at the end")
    parser.add_argument("command", choices=["embed", "predict"])
    parser.add_argument("cli_args", nargs=argparse.REMAINDER, help="-- then faultline-cli COMMAND's own options")
    args = parser.parse_args(argv)
    if args.cli_args and args.cli_args[0] == "--":
        args.cli_args = args.cli_args[1:]
    if not 1 <= args.shards <= 1_000_000:
        parser.error(f"--shards must be 1 to 1000000, got {args.shards}")
    if args.local_workers is not None and not 1 <= args.local_workers <= 1024:
        parser.error(f"--local-workers must be 1 to 1024, got {args.local_workers}")
    if any(a.startswith("--shard") or a == "--out" for a in args.cli_args):
        parser.error("give --shards and --out to this driver, not to faultline-cli")
    return args


def main(argv=None):
    args = parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    if args.local_workers:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    else:
        cluster = None
        client = Client(args.scheduler)
    try:
        futures = [client.submit(run_shard, args.cli, args.command, args.cli_args, k, args.shards, out,
                                 key=f"faultline-{args.command}-shard-{k}-of-{args.shards}", retries=args.retries,
                                 pure=False)
                   for k in range(args.shards)]
        finished, failed = [], []
        for future in as_completed(futures):
            try:
                result = future.result()
                finished.append(result)
                print(f"shard {result['shard']}/{args.shards} done on {result['worker']}"
                      f" ({result['failed_images']} images failed)", file=sys.stderr)
            except Exception as error:  # the shard failed on every try
                failed.append(str(error))
                print(f"error: {error}", file=sys.stderr)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    workers = len({result["worker"] for result in finished})
    print(f"{len(finished)} of {args.shards} shards finished, {len(failed)} failed; ran on {workers} workers",
          file=sys.stderr)
    status = 0 if not failed else 1
    if args.import_into:
        merged = subprocess.run([args.cli, "import", "--dataset", args.import_into, "--shards", out])
        status = status or merged.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
