#!/usr/bin/python3
"""Prints, one per line, the parameters and buffers in which two TorchScript files differ.

    differing_parameters.py A.pt B.pt
"""
import sys

import torch


def main():
    a = torch.jit.load(sys.argv[1]).state_dict()
    b = torch.jit.load(sys.argv[2]).state_dict()
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b or a[name].shape != b[name].shape or not torch.equal(a[name], b[name]):
            print(name)


if __name__ == "__main__":
    main()
