#!/usr/bin/python3
"""Parity: faultline-cli rules against scikit-learn's Barlow recipe (paper 003), on data made here.

  /usr/bin/python3 tests/rules/check_rules_parity.py --cli build/app/cli/faultline-cli [--work DIR] [--seeds 2]

For every seed it writes a synthetic dataset (tests/parity/make_parity_dataset.py: embeddings with
planted failure directions) and a per-image feature matrix with planted failure concepts, runs
`faultline-cli analyze` and then `faultline-cli rules` for depth 1..3, label and prediction
grouping, on the imported matrix and on the embedding's dimensions. The same images (the run's fit
split, val) go to scikit-learn: mutual_info_classif(X, failure) → the top-k columns (highest first;
equal values: lower column first) → DecisionTreeClassifier(criterion="entropy", max_depth=D,
class_weight={0: 1, 1: N_success / N_failure}) → per leaf n, failures, ER, EC, IV; BER and ALER.

Checked: every feature's mutual information (to 1e-6), the top k, every leaf's rule (feature
names; thresholds to the 6 significant digits rules.csv prints), n, failures, ER, EC, IV, and each
tree's BER and ALER (to 1e-6).

Ties. One matrix column is an exact copy of another and one is quantised to 8 values, so ties
happen on purpose. scikit-learn breaks exact ties between features by its random feature order and
breaks tied values apart with 1e-10 random noise inside mutual_info_classif; Faultline takes the
lower column and keeps tied values tied (docs/RULES.md). So: the copy's name is compared as the
original's; the quantised column's mutual information must lie within scikit-learn's own spread
over random states (and the top k is computed with Faultline's value for it); and where
scikit-learn's own tree changes with random_state (a tie inside the tree), Faultline's tree must
equal one of scikit-learn's trees over 16 random states — or, where two splits are equally good and
rounding decides (no random state then helps), every split of Faultline's tree must be as good as
the stump scikit-learn fits on that node's images, to 1e-9. A split of a node that holds only failures
(or only successes), which scikit-learn makes when rounding leaves its entropy just above machine
epsilon, is merged back into one leaf before comparing.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.feature_selection import mutual_info_classif
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "parity"))
import make_parity_dataset as gen  # noqa: E402

COPY_OF = {"copy_of_texture": "texture"}
QUANTISED = "quantised_size"


def fail(message):
    print(f"check_rules_parity: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def write_features(data, seed):
    """features.npy [N, 10] float32 over every image, with planted failure concepts."""
    rng = np.random.default_rng(100 + seed)
    with open(os.path.join(data, "predictions.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    wrong = np.array([r["label"] != r["prediction"] for r in rows])
    n = len(rows)
    names = ["darkness", "texture", "noise_a", "noise_b", "noise_c", "background", QUANTISED,
             "copy_of_texture", "noise_d", "outline"]
    X = rng.normal(0.0, 1.0, (n, len(names)))
    X[:, 0] += 1.4 * wrong                                # darkness: strongly with failure
    X[:, 1] -= 0.8 * wrong + 0.3 * rng.normal(size=n)     # texture: less so
    X[:, 5] += 0.5 * wrong * (rng.random(n) < 0.5)        # background: half the failures
    X[:, 6] = np.round(np.clip(X[:, 6] + 0.6 * wrong, -2, 2) * 2) / 2   # 9 values: ties
    X[:, 7] = X[:, 1]                                     # an exact copy: ties between features
    X[:, 9] = 0.2 * X[:, 9] + 0.25 + 0.02 * wrong         # small scale around 0.25 (like cosines)
    X = X.astype(np.float32)
    order = rng.permutation(n)                            # rows in their own order
    np.save(os.path.join(data, "features.npy"), X[order])
    with open(os.path.join(data, "feature_paths.txt"), "w") as f:
        f.writelines(rows[i]["path"] + "\n" for i in order)
    with open(os.path.join(data, "feature_names.txt"), "w") as f:
        f.writelines(name + "\n" for name in names)
    return {rows[i]["path"]: X[i] for i in range(n)}, names


def embedding_features(data):
    E = np.load(os.path.join(data, "embeddings.npy"))
    with open(os.path.join(data, "embedding_paths.txt")) as f:
        paths = [line.rstrip("\n") for line in f]
    names = [f"embedding[{c}]" for c in range(E.shape[1])]
    return {p: E[i] for i, p in enumerate(paths)}, names


def canonical(name):
    return COPY_OF.get(name, name)


def top_k(mi, k):
    return sorted(range(len(mi)), key=lambda c: (-mi[c], c))[:k]


def sklearn_rules(X, failure, names, selected, depth, random_state):
    """Barlow's tree with scikit-learn over `selected`: (leaves {node: (conds, n, f)}, ber, aler)."""
    n_fail = int(failure.sum())
    n_ok = len(failure) - n_fail
    weight = {0: 1.0, 1: n_ok / n_fail} if n_fail and n_ok else None
    tree = DecisionTreeClassifier(criterion="entropy", max_depth=depth, class_weight=weight,
                                  random_state=random_state).fit(X[:, selected], failure)
    t = tree.tree_
    Xs = X[:, selected]
    leaves = {}
    next_id = [0]

    def walk(node, conds, members):
        # A node with only failures or only successes is a leaf: scikit-learn sometimes splits one
        # when rounding in its weighted sums leaves an impurity just above machine epsilon; such a
        # split changes no leaf's error rate (docs/RULES.md). Ids: depth-first, as Faultline numbers.
        my_id = next_id[0]
        next_id[0] += 1
        f = int(failure[members].sum())
        if t.children_left[node] == -1 or f == 0 or f == int(members.sum()):
            leaves[my_id] = (tuple(conds), int(members.sum()), f)
            return
        name = canonical(names[selected[t.feature[node]]])
        go_left = Xs[:, t.feature[node]] <= t.threshold[node]
        walk(t.children_left[node], conds + [(name, "<=", float(t.threshold[node]))], members & go_left)
        walk(t.children_right[node], conds + [(name, ">", float(t.threshold[node]))], members & ~go_left)

    walk(0, [], np.ones(len(failure), dtype=bool))
    ber = n_fail / len(failure)
    aler = sum((f / n_fail) * (f / n) for _, n, f in leaves.values()) if n_fail else 0.0
    return leaves, ber, aler


def parse_rule(rule):
    if rule == "(all images)":
        return ()
    conds = []
    for part in rule.split(" AND "):
        name, op, value = part.rsplit(" ", 2)
        conds.append((canonical(name), op, float(value)))
    return tuple(conds)


def same_rule(a, b):
    return len(a) == len(b) and all(x[0] == y[0] and x[1] == y[1] and abs(x[2] - y[2]) <= 1e-5 * max(1.0, abs(y[2]))
                                    for x, y in zip(a, b))


def weighted_entropy(counts):
    total = counts.sum()
    p = counts[counts > 0] / total
    return float(-(p * np.log2(p)).sum())


def check_splits_locally(X, failure, names, selected, leaves_of_rows, my_leaves, depth, weight):
    """Where Faultline's tree differs from every scikit-learn tree (ties decided by rounding):
    each internal node's split must be as good as the stump scikit-learn fits on that node's
    images, and each leaf above the depth limit must hold only failures or only successes.
    Returns a message, or None."""
    w = np.where(failure == 1, weight[1], weight[0]) if weight else np.ones(len(failure))
    paths = {node: conds for node, (conds, _, _, _) in my_leaves.items()}
    prefixes = {conds[:i] for conds in paths.values() for i in range(len(conds))}
    for prefix in sorted(prefixes, key=len):
        inside = [node for node, conds in paths.items() if conds[:len(prefix)] == prefix]
        members = np.isin(leaves_of_rows, inside)
        left_nodes = [node for node in inside if paths[node][len(prefix)][1] == "<="]
        left = members & np.isin(leaves_of_rows, left_nodes)
        right = members & ~left

        def improvement(l, r):
            cl = np.array([w[l & (failure == 0)].sum(), w[l & (failure == 1)].sum()])
            cr = np.array([w[r & (failure == 0)].sum(), w[r & (failure == 1)].sum()])
            parent = cl + cr
            return weighted_entropy(parent) - (cl.sum() * weighted_entropy(cl) + cr.sum() * weighted_entropy(cr)) / parent.sum()

        ours = improvement(left, right)
        stump = DecisionTreeClassifier(criterion="entropy", max_depth=1, class_weight=weight, random_state=0)
        Xs = X[members][:, selected]
        stump.fit(Xs, failure[members])
        if stump.tree_.node_count < 3:
            return f"node {prefix}: scikit-learn would not split it"
        go_left = Xs[:, stump.tree_.feature[0]] <= stump.tree_.threshold[0]
        sk_left = np.zeros(len(failure), dtype=bool)
        sk_left[np.flatnonzero(members)[go_left]] = True
        theirs = improvement(sk_left, members & ~sk_left)
        if abs(ours - theirs) > 1e-9 * max(1.0, abs(theirs)):
            return f"node {prefix}: improvement {ours:.12f} < scikit-learn's {theirs:.12f}"
    for node, (conds, n, f, _) in my_leaves.items():
        if len(conds) < depth and 0 < f < n and len(set(map(tuple, X[np.isin(leaves_of_rows, [node])][:, selected]))) > 1:
            return f"leaf {node} ({f} of {n} failures) stops above the depth limit"
    return None


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_case(cli, data, project, out, features, names, grouping, depth, k, feature_args, label):
    cmd = [cli, "rules", "--dataset", data, "--project", project, "--depth", str(depth), "--k", str(k),
           "--grouping", grouping, "--out", out] + feature_args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if proc.returncode != 0:
        fail(f"{label}: faultline-cli rules exited with {proc.returncode}:\n{proc.stderr[-2000:]}")
    fl_rules = read_csv(os.path.join(out, "rules.csv"))
    fl_trees = {r["class"]: r for r in read_csv(os.path.join(out, "trees.csv"))}
    fl_features = read_csv(os.path.join(out, "features.csv"))
    fl_images = read_csv(os.path.join(out, "rule_images.csv"))

    with open(os.path.join(data, "predictions.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "val"]
    key = "label" if grouping == "label" else "prediction"
    classes = sorted({r["label"] for r in rows})
    ties = 0
    for c in classes:
        group = sorted((r for r in rows if r[key] == c), key=lambda r: r["path"])
        if not group:
            continue
        X = np.stack([features[r["path"]] for r in group])
        failure = np.array([int(r["label"] != r["prediction"]) for r in group])
        mi_runs = np.array([mutual_info_classif(X.astype(np.float64), failure, random_state=rs) for rs in range(8)])
        mi = mi_runs[0].copy()
        mine = {r["feature"]: r for r in fl_features if r["class"] == c}
        if len(mine) != len(names):
            fail(f"{label} {c}: features.csv lists {len(mine)} features, not {len(names)}")
        for j, name in enumerate(names):
            ours = float(mine[name]["mutual_information"])
            if name == QUANTISED:
                # tied values: scikit-learn's own estimate moves with its noise; ours must be one like it
                spread = mi_runs[:, j].std()
                if abs(ours - mi_runs[:, j].mean()) > 4 * spread + 1e-6:
                    fail(f"{label} {c}: mutual information of {name} {ours:.6f} is outside scikit-learn's"
                         f" {mi_runs[:, j].mean():.6f} ± 4 × {spread:.6f}")
                mi[j] = ours
            elif abs(ours - mi[j]) > 1e-6:
                fail(f"{label} {c}: mutual information of {name}: {ours:.9f} != {mi[j]:.9f}")
        selected = top_k(mi, k)
        my_selected = sorted((r for r in mine.values() if r["rank"]), key=lambda r: int(r["rank"]))
        if [canonical(r["feature"]) for r in my_selected] != [canonical(names[s]) for s in selected]:
            fail(f"{label} {c}: selected {[r['feature'] for r in my_selected]} != {[names[s] for s in selected]}")
        # the copy and its original carry equal information: order them as Faultline did
        selected = [names.index(r["feature"]) for r in my_selected]
        variants = []
        for rs in range(16):
            result = sklearn_rules(X, failure, names, selected, depth, rs)
            if all(v[0] != result[0] for v in variants):
                variants.append(result)
        _, ber, aler = variants[0]
        tree = fl_trees.get(c)
        if tree is None or tree["status"] != "ok":
            fail(f"{label} {c}: no tree in trees.csv")
        if abs(float(tree["base_error_rate"]) - ber) > 1e-6 or abs(float(tree["aler"]) - aler) > 1e-6:
            fail(f"{label} {c}: BER/ALER {tree['base_error_rate']}/{tree['aler']} != {ber:.6f}/{aler:.6f}")
        my_leaves = {int(r["leaf"]): (parse_rule(r["rule"]), int(r["n"]), int(r["failures"]), r)
                     for r in fl_rules if r["class"] == c}
        matched = False
        for leaves, _, _ in variants:
            if set(leaves) != set(my_leaves):
                continue
            if all(same_rule(my_leaves[node][0], leaves[node][0]) and my_leaves[node][1:3] == leaves[node][1:3]
                   for node in leaves):
                matched = True
                break
        if not matched:
            leaf_of_path = {r["path"]: int(r["leaf"]) for r in fl_images if r["class"] == c}
            leaves_of_rows = np.array([leaf_of_path[r["path"]] for r in group])
            n_ok = len(failure) - int(failure.sum())
            weight = {0: 1.0, 1: n_ok / int(failure.sum())} if failure.sum() and n_ok else None
            problem = check_splits_locally(X, failure, names, selected, leaves_of_rows, my_leaves, depth, weight)
            if problem is None:
                ties += 1
                matched = True
        if not matched:
            fail(f"{label} {c}: leaves differ ({problem})\n  faultline: {sorted((k_, v[:3]) for k_, v in my_leaves.items())}\n"
                 f"  sklearn:   {sorted(variants[0][0].items())}")
        n_fail = int(failure.sum())
        for node, (_, n, f, r) in my_leaves.items():
            er, ec = f / n, (f / n_fail if n_fail else 0.0)
            for column, want in (("error_rate", er), ("error_coverage", ec), ("importance", er * ec)):
                if abs(float(r[column]) - want) > 1e-6:
                    fail(f"{label} {c} leaf {node}: {column} {r[column]} != {want:.6f}")
        ties += len(variants) > 1 and matched is True
    return len(classes), ties


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", default=None)
    ap.add_argument("--seeds", type=int, default=2)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="fl-rules-parity-")
    cases = 0
    for seed in range(1, a.seeds + 1):
        data = os.path.join(work, f"seed{seed}", "data")
        project = os.path.join(work, f"seed{seed}", "project.sqlite")
        spec = gen.make_uniform_spec(3, 300, 40, error_rate=(0.15, 0.35), seed=seed)
        gen.generate(data, seed, spec, dim=12)
        matrix, names = write_features(data, seed)
        embeddings, emb_names = embedding_features(data)
        subprocess.run([a.cli, "analyze", "--dataset", data, "--project", project,
                        "--embeddings", os.path.join(data, "embeddings.npy"),
                        "--embedding-paths", os.path.join(data, "embedding_paths.txt")],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        file_args = ["--features", os.path.join(data, "features.npy"),
                     "--feature-paths", os.path.join(data, "feature_paths.txt"),
                     "--feature-names", os.path.join(data, "feature_names.txt")]
        for depth in (1, 2, 3):
            for grouping in ("label", "prediction"):
                for k, feats, fnames, args, kind in ((6, matrix, names, file_args, "file"),
                                                     (len(names), matrix, names, file_args, "file-all"),
                                                     (8, embeddings, emb_names, ["--features", "embedding"], "embedding")):
                    label = f"seed {seed} depth {depth} {grouping} {kind} k={k}"
                    out = os.path.join(work, f"seed{seed}", f"d{depth}-{grouping}-{kind}")
                    n, ties = check_case(a.cli, data, project, out, feats, fnames, grouping, depth, k, args, label)
                    cases += n
                    print(f"{label}: {n} classes match scikit-learn" + (f" ({ties} with tied splits)" if ties else ""))
    print(f"check_rules_parity: {cases} trees match scikit-learn's")


if __name__ == "__main__":
    main()
