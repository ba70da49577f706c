#!/usr/bin/env python3
"""Protocol test of faultline_decoder_server.py with its dummy pipeline (stdlib, numpy and PIL only).

Starts the server as a subprocess on a free port, the way Faultline's own tests and users do, and
checks every status the protocol faultline-embedding-decoder/1 defines. Runs in a few seconds.
"""
from __future__ import annotations

import base64
import http.client
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any, Optional

import numpy as np
from PIL import Image

SERVER = Path(__file__).resolve().parent / "faultline_decoder_server.py"
LISTENING_PREFIX = "listening on http://"
START_TIMEOUT_S = 15
DIM = 768


def unit_vector(seed: int, dim: int = DIM) -> list[float]:
    vector = np.random.default_rng(seed).standard_normal(dim)
    return (vector / np.linalg.norm(vector)).tolist()


def decode_body(**overrides: Any) -> dict[str, Any]:
    """A valid request as the protocol spells it, with small images to keep the test fast."""
    body = {"embedding": unit_vector(1), "clip_model": "ViT-L/14", "seed": 7, "count": 1,
            "width": 64, "height": 64, "steps": 25, "guidance_scale": 7.0, "prompt": "", "negative_prompt": ""}
    body.update(overrides)
    return body


class ServerProcess:
    """The server on a free port; its stderr goes to a file that is shown when a test fails."""

    def __init__(self, *args: str, env: Optional[dict[str, str]] = None):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER), "--pipeline", "dummy", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env={**os.environ, **(env or {})})
        line = self._first_line()
        if not line.startswith(LISTENING_PREFIX):
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}\n{self.stderr()}")
        self.host, port = line[len(LISTENING_PREFIX):].strip().rsplit(":", 1)
        self.port = int(port)

    def _first_line(self) -> str:
        """readline() on a thread, so a server that never prints cannot hang the test."""
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        return lines[0] if lines else ""

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[dict[str, str]] = None) -> tuple[int, http.client.HTTPMessage, Any]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, json.loads(response.read())
        finally:
            connection.close()

    def decode(self, body: Any, headers: Optional[dict[str, str]] = None) -> tuple[int, Any]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, _, payload = self.request("POST", "/v1/decode", raw,
                                          {"Content-Type": "application/json", **(headers or {})})
        return status, payload

    def stop(self) -> int:
        """SIGTERM, as systemd sends it; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=5)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()


class DecoderServerTest(unittest.TestCase):
    """Happy path, determinism and every input error on one default server."""

    server: ServerProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = ServerProcess()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        cls.server.log.close()

    def assert_error(self, status: int, payload: Any, expected_status: int) -> None:
        self.assertEqual(status, expected_status, payload)
        self.assertEqual(set(payload), {"error"})
        self.assertIsInstance(payload["error"], str)
        self.assertNotIn("\n", payload["error"])

    def assert_bad_request(self, body: Any, fragment: str) -> None:
        status, payload = self.server.decode(body)
        self.assert_error(status, payload, 400)
        self.assertIn(fragment, payload["error"])

    def images(self, **overrides: Any) -> list[dict[str, Any]]:
        status, payload = self.server.decode(decode_body(**overrides))
        self.assertEqual(status, 200, payload)
        return payload["images"]

    def test_info(self) -> None:
        status, headers, info = self.server.request("GET", "/v1/info")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(info, {"protocol": "faultline-embedding-decoder/1", "clip_model": "ViT-L/14",
                                "embedding_dim": 768, "max_count": 4, "pipeline": "dummy",
                                "server": info["server"]})
        self.assertTrue(info["server"].startswith("faultline-decoder-server/"))

    def test_decode_returns_count_pngs_with_consecutive_seeds(self) -> None:
        status, payload = self.server.decode(decode_body(seed=100, count=3, width=96, height=64))
        self.assertEqual(status, 200, payload)
        self.assertEqual([image["seed"] for image in payload["images"]], [100, 101, 102])
        for image in payload["images"]:
            png = Image.open(io.BytesIO(base64.b64decode(image["png_base64"], validate=True)))
            self.assertEqual(png.format, "PNG")
            self.assertEqual(png.size, (96, 64))
        self.assertEqual(payload["info"]["pipeline"], "dummy")

    def test_protocol_default_size(self) -> None:
        png = self.images(width=512, height=512)[0]["png_base64"]
        self.assertEqual(Image.open(io.BytesIO(base64.b64decode(png))).size, (512, 512))

    def test_same_input_gives_same_bytes(self) -> None:
        self.assertEqual(self.images(seed=3, count=2), self.images(seed=3, count=2))

    def test_image_i_is_reproduced_by_seed_plus_i(self) -> None:
        batch = self.images(seed=40, count=3)
        self.assertEqual(batch[2], self.images(seed=42, count=1)[0])

    def test_seed_and_embedding_change_the_image(self) -> None:
        base = self.images(seed=5)[0]["png_base64"]
        self.assertNotEqual(base, self.images(seed=6)[0]["png_base64"])
        self.assertNotEqual(base, self.images(seed=5, embedding=unit_vector(2))[0]["png_base64"])

    def test_clip_model_names_compare_loosely(self) -> None:
        for spelling in ("vit-l/14", "VIT_L_14", "ViTL14"):
            self.assertEqual(len(self.images(clip_model=spelling)), 1, spelling)

    def test_wrong_dimension(self) -> None:
        self.assert_bad_request(decode_body(embedding=unit_vector(1, 512)), "512")

    def test_clip_model_mismatch(self) -> None:
        self.assert_bad_request(decode_body(clip_model="ViT-B/32"), "clip_model")

    def test_count_out_of_range(self) -> None:
        self.assert_bad_request(decode_body(count=5), "count")
        self.assert_bad_request(decode_body(count=0), "count")

    def test_not_unit_length(self) -> None:
        self.assert_bad_request(decode_body(embedding=(np.array(unit_vector(1)) * 1.01).tolist()), "unit length")
        self.assertEqual(len(self.images(embedding=(np.array(unit_vector(1)) * 1.0005).tolist())), 1)

    def test_bad_json(self) -> None:
        self.assert_bad_request(b'{"embedding": [', "invalid JSON")
        self.assert_bad_request(b"\xff\xfe", "invalid JSON")
        self.assert_bad_request(b"[1, 2]", "JSON object")
        self.assert_bad_request(json.dumps(decode_body(guidance_scale=float("nan"))).encode(), "NaN")

    def test_missing_fields(self) -> None:
        for field in ("embedding", "clip_model", "seed", "count", "width", "height", "steps", "guidance_scale"):
            body = decode_body()
            del body[field]
            self.assert_bad_request(body, f"missing field '{field}'")

    def test_prompts_are_optional(self) -> None:
        body = decode_body()
        del body["prompt"], body["negative_prompt"]
        self.assertEqual(self.server.decode(body)[0], 200)

    def test_wrong_types(self) -> None:
        self.assert_bad_request(decode_body(seed="7"), "'seed' must be an integer")
        self.assert_bad_request(decode_body(count=True), "'count' must be an integer")
        self.assert_bad_request(decode_body(guidance_scale="high"), "'guidance_scale' must be a number")
        self.assert_bad_request(decode_body(prompt=3), "'prompt' must be a string")
        self.assert_bad_request(decode_body(embedding=["0.1"] * DIM), "array of numbers")

    def test_seed_range(self) -> None:
        self.assert_bad_request(decode_body(seed=-1), "'seed'")
        self.assert_bad_request(decode_body(seed=2**63 - 1, count=2), "'seed'")

    def test_image_size(self) -> None:
        self.assert_bad_request(decode_body(width=100), "multiple of 8")
        self.assert_bad_request(decode_body(height=260), "multiple of 8")
        self.assert_bad_request(decode_body(width=8), "'width' must be between")
        self.assert_bad_request(decode_body(height=4096), "'height' must be between")

    def test_content_type_must_be_json(self) -> None:
        status, _, payload = self.server.request("POST", "/v1/decode", json.dumps(decode_body()).encode(),
                                                 {"Content-Type": "text/plain"})
        self.assert_error(status, payload, 400)

    def test_body_over_the_cap(self) -> None:
        status, payload = self.server.decode(b" " * ((1 << 20) + 1))
        self.assert_error(status, payload, 413)

    def test_unknown_path_and_wrong_method(self) -> None:
        status, _, payload = self.server.request("GET", "/v2/info")
        self.assert_error(status, payload, 404)
        status, headers, payload = self.server.request("GET", "/v1/decode")
        self.assert_error(status, payload, 405)
        self.assertEqual(headers["Allow"], "POST")
        status, _, payload = self.server.request("DELETE", "/v1/info")
        self.assert_error(status, payload, 501)

    def test_keep_alive_serves_several_requests(self) -> None:
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            for _ in range(3):
                connection.request("GET", "/v1/info")
                response = connection.getresponse()
                self.assertEqual(response.status, 200)
                json.loads(response.read())
        finally:
            connection.close()


class TokenTest(unittest.TestCase):
    """--token's default comes from the environment, which keeps it out of `ps`."""

    def setUp(self) -> None:
        self.server = ServerProcess(env={"FAULTLINE_DECODER_TOKEN": "s3cret"})
        self.addCleanup(self.server.log.close)
        self.addCleanup(self.server.stop)

    def test_missing_or_wrong_token_is_401(self) -> None:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            status, response_headers, payload = self.server.request("GET", "/v1/info", headers=headers)
            self.assertEqual(status, 401, headers)
            self.assertEqual(set(payload), {"error"})
            self.assertTrue(response_headers["WWW-Authenticate"].startswith("Bearer"))
        status, payload = self.server.decode(decode_body())
        self.assertEqual(status, 401, payload)

    def test_right_token_is_served(self) -> None:
        auth = {"Authorization": "Bearer s3cret"}
        self.assertEqual(self.server.request("GET", "/v1/info", headers=auth)[0], 200)
        status, payload = self.server.decode(decode_body(), auth)
        self.assertEqual(status, 200, payload)


class BusyAndFailureTest(unittest.TestCase):
    """A slow GPU slot gives 503 to a second caller; a pipeline failure gives 500 without a traceback."""

    def setUp(self) -> None:
        self.server = ServerProcess("--dummy-delay", "1.0", "--queue-wait", "0.1", "--dummy-fail-seed", "13")
        self.addCleanup(self.server.log.close)
        self.addCleanup(self.server.stop)

    def test_busy_is_503_then_served(self) -> None:
        first: list[tuple[int, Any]] = []
        holder = threading.Thread(target=lambda: first.append(self.server.decode(decode_body())))
        holder.start()
        time.sleep(0.4)
        status, headers, payload = self.server.request("POST", "/v1/decode", json.dumps(decode_body()).encode(),
                                                       {"Content-Type": "application/json"})
        holder.join()
        self.assertEqual(status, 503, payload)
        self.assertEqual(set(payload), {"error"})
        self.assertEqual(headers["Retry-After"], "1")
        self.assertEqual(first[0][0], 200)
        self.assertEqual(self.server.decode(decode_body())[0], 200)

    def test_pipeline_failure_is_500_with_one_line(self) -> None:
        status, payload = self.server.decode(decode_body(seed=12, count=2))
        self.assertEqual(status, 500, payload)
        self.assertEqual(set(payload), {"error"})
        self.assertIn("pipeline failure", payload["error"])
        self.assertNotIn("Traceback", payload["error"])
        self.assertEqual(self.server.stop(), 0)
        self.assertIn("Traceback", self.server.stderr())


class ShutdownTest(unittest.TestCase):
    def test_sigterm_exits_cleanly(self) -> None:
        server = ServerProcess()
        self.addCleanup(server.log.close)
        self.assertEqual(server.request("GET", "/v1/info")[0], 200)
        self.assertEqual(server.stop(), 0)
        self.assertIn("stopped", server.stderr())
        self.assertNotIn("Traceback", server.stderr())


if __name__ == "__main__":
    unittest.main()
