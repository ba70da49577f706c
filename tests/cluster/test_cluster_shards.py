#!/usr/bin/python3
"""Scale-out end to end (CTest test_cluster_shards): a 2-worker Dask LocalCluster on 127.0.0.1
runs `faultline-cli embed/predict --shard K/N` through packaging/cluster/faultline_dask.py, the
Slurm array script packaging/cluster/faultline-shard.sbatch runs once per array index (as
Slurm would, with its environment), and both merged projects must equal a single-machine
`embed` + `predict`: the same embedding model, every vector bit for bit, the same predictions.

  test_cluster_shards.py --cli FAULTLINE_CLI --model TINY_CLIP --classifier-script make_tiny_classifier.py
"""
import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "..", "..", "packaging", "cluster")
CLASSES = ["c0", "c1", "c2", "c3"]  # the tiny classifier's outputs
VECTOR_TOLERANCE = 1e-5  # float32 rounding of another batch make-up (see check_same)


def make_dataset(root):
    rng = random.Random(5)
    for split, per_class in (("train", 6), ("val", 5), ("test", 5)):
        for c in CLASSES:
            os.makedirs(os.path.join(root, split, c), exist_ok=True)
            for i in range(per_class):
                size = (rng.randint(12, 40), rng.randint(12, 40))
                image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
                image.putpixel((0, 0), (rng.randrange(256), 0, 0))
                image.save(os.path.join(root, split, c, f"img{i}.png"))
    with open(os.path.join(root, "val", "c1", "corrupt.png"), "wb") as f:
        f.write(b"not an image")


def run(args, env=None, ok=(0, 1)):
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if done.returncode not in ok:
        sys.exit(f"FAIL: {' '.join(args)} exited {done.returncode}\n{done.stderr}")
    return done


def project_contents(dataset):
    db = sqlite3.connect(os.path.join(dataset, ".faultline", "project.sqlite"))
    models = db.execute("SELECT name, dim, source FROM embedding_models ORDER BY name").fetchall()
    vectors = dict(((name, path), bytes(vector)) for name, path, vector in db.execute(
        "SELECT m.name, i.path, e.vector FROM embeddings e JOIN images i ON i.id = e.image_id"
        " JOIN embedding_models m ON m.id = e.model_id"))
    cache = dict(((name, h), bytes(v)) for name, h, v in db.execute(
        "SELECT m.name, c.content_hash, c.vector FROM embedding_cache c JOIN embedding_models m ON m.id = c.model_id"))
    predictions = db.execute("SELECT s.name, i.path, p.prediction, p.confidence, s.source, p.source_line FROM predictions p"
                             " JOIN images i ON i.id = p.image_id JOIN prediction_sets s ON s.id = p.set_id"
                             " ORDER BY s.name, i.path").fetchall()
    db.close()
    return models, vectors, cache, predictions


def check_same(local, merged, how):
    models_a, vectors_a, cache_a, predictions_a = project_contents(local)
    models_b, vectors_b, cache_b, predictions_b = project_contents(merged)
    assert [m[:2] for m in models_a] == [m[:2] for m in models_b], (how, models_a, models_b)
    # oneDNN's inner product rounds a row differently by its place in the batch on some CPUs
    # (AVX2 without AVX-512: up to ~1e-6 on the tiny CLIP), and a shard batches other images.
    assert len(vectors_a) > 0 and vectors_a.keys() == vectors_b.keys(), f"{how}: stored embeddings differ"
    assert cache_a.keys() == cache_b.keys(), f"{how}: content cache differs"
    worst = 0.0
    for vectors, other in ((vectors_a, vectors_b), (cache_a, cache_b)):
        for key, value in vectors.items():
            worst = max(worst, float(np.max(np.abs(np.frombuffer(value, np.float32) - np.frombuffer(other[key], np.float32)))))
    assert worst <= VECTOR_TOLERANCE, f"{how}: stored embeddings differ by {worst:g} > {VECTOR_TOLERANCE:g}"
    assert len(predictions_a) == len(predictions_b) > 0, (how, len(predictions_a), len(predictions_b))
    for a, b in zip(predictions_a, predictions_b):
        model, path, prediction, confidence, source, line = a
        assert (model, path, prediction, source, line) == (b[0], b[1], b[2], b[4], b[5]), (how, a, b)
        # libtorch rounds a little differently for another batch make-up.
        assert abs(confidence - b[3]) <= 1e-6, (how, a, b)
    print(f"{how}: {len(vectors_b)} embeddings equal (max |difference| {worst:g}), {len(predictions_b)} predictions equal")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--classifier-script", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="faultline-cluster-")
    try:
        fixtures = os.path.join(work, "fixtures")
        run(["/usr/bin/python3", args.classifier_script, fixtures], ok=(0,))
        source = os.path.join(work, "source")
        make_dataset(source)
        embed = ["--model", args.model, "--device", "cpu", "--threads", "1"]
        predict = ["--classifier", os.path.join(fixtures, "tiny_rgb.pt"), "--input-size", "16", "--device", "cpu",
                   "--batch-size", "4", "--threads", "1"]
        datasets = {}
        for name in ("local", "dask", "slurm"):
            datasets[name] = os.path.join(work, name)
            shutil.copytree(source, datasets[name])

        local = datasets["local"]
        run([args.cli, "embed", "--dataset", local, *embed])
        run([args.cli, "predict", "--dataset", local, *predict])

        # Dask: 2 worker processes on 127.0.0.1, 5 embedding and 3 prediction shards.
        driver = os.path.join(CLUSTER, "faultline_dask.py")
        for command, shards, out, options in (("embed", 5, "dask-embeddings", embed),
                                              ("predict", 3, "dask-predictions", predict)):
            done = run(["/usr/bin/python3", driver, "--local-workers", "2", "--shards", str(shards),
                        "--out", os.path.join(work, out), "--cli", args.cli, "--import-into", datasets["dask"],
                        command, "--", "--dataset", datasets["dask"], *options], ok=(0,))
            assert f"{shards} of {shards} shards finished, 0 failed" in done.stderr, done.stderr
            assert "on 2 workers" in done.stderr, done.stderr
        check_same(local, datasets["dask"], "dask LocalCluster")

        # Slurm: the array script once per task index, with the variables sbatch --array=0-3 sets.
        script = os.path.join(CLUSTER, "faultline-shard.sbatch")
        for command, options, out in (("embed", embed[:-2], "slurm-embeddings"), ("predict", predict[:-2], "slurm-predictions")):
            for index in range(4):
                env = dict(os.environ, FAULTLINE_CLI=args.cli, SLURM_ARRAY_TASK_ID=str(10 + index),
                           SLURM_ARRAY_TASK_MIN="10", SLURM_ARRAY_TASK_COUNT="4", SLURM_CPUS_PER_TASK="1")
                run(["bash", script, command, datasets["slurm"], os.path.join(work, out), "--", *options],
                    env=env, ok=(0,))
            run([args.cli, "import", "--dataset", datasets["slurm"], "--shards", os.path.join(work, out)], ok=(0,))
        check_same(local, datasets["slurm"], "slurm array")

        bad = run(["bash", script, "embed", datasets["slurm"], os.path.join(work, "x")],
                  env=dict(os.environ, FAULTLINE_CLI=args.cli), ok=(1, 2))
        assert "not an array task" in bad.stderr, bad.stderr
    finally:
        if not os.environ.get("FAULTLINE_TEST_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
