#!/usr/bin/env python3
"""Faultline's reference embedding-decoder server (protocol faultline-embedding-decoder/1).

Faultline finds a classifier's failure modes as directions in CLIP space. A diffusion model that
samples from CLIP space can turn such a direction (or a spherical interpolation between a
reference caption's embedding and the direction) straight into images; this server exposes one
such model over a small JSON-over-HTTP protocol, described in README.md next to this file and in
docs/GENERATION_PROTOCOL.md:

  GET  /v1/info    what the server decodes (protocol, CLIP model, embedding size, max images)
  POST /v1/decode  {"embedding": [...unit vector...], "seed": s, "count": n, ...}
                   -> {"images": [{"png_base64": ..., "seed": s + i}, ...], "info": {...}}

Pipelines:
  unclip  diffusers' StableUnCLIPImg2ImgPipeline (stabilityai/stable-diffusion-2-1-unclip-small,
          CLIP ViT-L/14 image embeddings); needs torch, diffusers, transformers, accelerate, a GPU.
  dummy   numpy + PIL only: a deterministic picture of (embedding, seed) in milliseconds, for
          protocol tests and demos.

The server prints exactly one line on stdout once it accepts connections,
"listening on http://HOST:PORT", so a parent process started with --port 0 can read the port.
Everything else (request log, tracebacks) goes to stderr.
"""
from __future__ import annotations

import argparse
import base64
import hmac
import io
import json
import logging
import math
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Protocol

import numpy as np
from PIL import Image

PROTOCOL = "faultline-embedding-decoder/1"
SERVER_NAME = "faultline-decoder-server/1.0"
TOKEN_ENV = "FAULTLINE_DECODER_TOKEN"
DEFAULT_MODEL = "stabilityai/stable-diffusion-2-1-unclip-small"

UNIT_TOLERANCE = 1e-3          # |‖embedding‖ - 1| allowed by the protocol
MIN_SIDE, MAX_SIDE = 64, 2048  # image width/height bounds (multiples of 8)
MAX_STEPS = 200
MAX_GUIDANCE = 50.0
MAX_SEED = 2**63 - 1           # the client stores seeds as qint64
DRAIN_LIMIT = 16 << 20         # unread request bodies up to this size are read before an error reply
SOCKET_TIMEOUT_S = 60          # a stalled client cannot hold a handler thread for longer

log = logging.getLogger("faultline-decoder")


# ----------------------------------------------------------------------------------------------
# Requests


class RequestError(Exception):
    """A reply other than 200: status, one-line message and any headers the status calls for."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def bad_request(message: str) -> RequestError:
    return RequestError(HTTPStatus.BAD_REQUEST, message)


@dataclass(frozen=True)
class ServerConfig:
    """What the server accepts; fixed at start-up and reported by /v1/info."""

    clip_model: str
    embedding_dim: int
    max_count: int
    token: Optional[str]
    max_body_bytes: int
    queue_wait_s: float


@dataclass(frozen=True)
class DecodeRequest:
    """A validated /v1/decode body. Image i of the request uses seed + i."""

    embedding: np.ndarray
    seed: int
    count: int
    width: int
    height: int
    steps: int
    guidance_scale: float
    prompt: str
    negative_prompt: str


def canonical_clip_model(name: str) -> str:
    """Compares CLIP model names the way the protocol says: "ViT-L/14" == "vit_l14" == "VITL-14"."""
    return "".join(c for c in name.lower() if c not in "-/_")


def _reject_constant(name: str) -> float:
    raise bad_request(f"invalid JSON: {name} is not a number")


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Strict JSON: NaN/Infinity literals are rejected (Python's json would accept them)."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise bad_request(f"invalid JSON: {error}") from None
    if not isinstance(value, dict):
        raise bad_request("the request body must be a JSON object")
    return value


def _field(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise bad_request(f"missing field '{name}'")
    return body[name]


def _int_field(body: dict[str, Any], name: str, low: int, high: int) -> int:
    """An integer in [low, high]; JSON true/false are not integers here even though Python says so."""
    value = _field(body, name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(f"'{name}' must be an integer")
    if not low <= value <= high:
        raise bad_request(f"'{name}' must be between {low} and {high}, not {value}")
    return value


def _float_field(body: dict[str, Any], name: str, low: float, high: float) -> float:
    value = _field(body, name)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise bad_request(f"'{name}' must be a number")
    if not low <= value <= high:
        raise bad_request(f"'{name}' must be between {low:g} and {high:g}, not {value:g}")
    return float(value)


def _string_field(body: dict[str, Any], name: str, required: bool = True) -> str:
    value = _field(body, name) if required else body.get(name, "")
    if not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string")
    return value


def _side_field(body: dict[str, Any], name: str) -> int:
    value = _int_field(body, name, MIN_SIDE, MAX_SIDE)
    if value % 8:
        raise bad_request(f"'{name}' must be a multiple of 8, not {value}")
    return value


def _embedding_field(body: dict[str, Any], dim: int) -> np.ndarray:
    """The unit-length vector; its length is checked because the decoder rescales it itself."""
    values = _field(body, "embedding")
    if not isinstance(values, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise bad_request("'embedding' must be an array of numbers")
    if len(values) != dim:
        raise bad_request(f"'embedding' has {len(values)} values; this server decodes {dim}")
    try:
        embedding = np.asarray(values, dtype=np.float64)
    except OverflowError:
        raise bad_request("'embedding' has a value too large for a float") from None
    norm = float(np.linalg.norm(embedding))
    if not abs(norm - 1.0) <= UNIT_TOLERANCE:
        raise bad_request(f"'embedding' must be unit length (±{UNIT_TOLERANCE:g}); its length is {norm:.6g}")
    return embedding


def parse_decode_request(body: dict[str, Any], config: ServerConfig) -> DecodeRequest:
    """Validates every field, so the pipeline only ever sees inputs it can render."""
    clip_model = _string_field(body, "clip_model")
    if canonical_clip_model(clip_model) != canonical_clip_model(config.clip_model):
        raise bad_request(f"'clip_model' is {clip_model!r}; this server decodes {config.clip_model!r} embeddings")
    count = _int_field(body, "count", 1, config.max_count)
    return DecodeRequest(
        embedding=_embedding_field(body, config.embedding_dim),
        seed=_int_field(body, "seed", 0, MAX_SEED - (count - 1)),
        count=count,
        width=_side_field(body, "width"),
        height=_side_field(body, "height"),
        steps=_int_field(body, "steps", 1, MAX_STEPS),
        guidance_scale=_float_field(body, "guidance_scale", 0.0, MAX_GUIDANCE),
        prompt=_string_field(body, "prompt", required=False),
        negative_prompt=_string_field(body, "negative_prompt", required=False),
    )


# ----------------------------------------------------------------------------------------------
# Pipelines


class Decoder(Protocol):
    """Turns one unit CLIP vector and one seed into one PNG; the same inputs give the same bytes."""

    name: str
    embedding_dim: int

    def render(self, request: DecodeRequest, seed: int) -> bytes: ...

    def details(self, request: DecodeRequest) -> dict[str, Any]:
        """What is reported in a decode reply's "info" (stored by Faultline with each sample)."""
        ...


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class DummyDecoder:
    """Paints stripes and discs from (embedding, seed) with numpy: no model, no GPU, milliseconds.

    Fixed random projections of the embedding choose the palette and the stripes' angle and
    frequency, so nearby embeddings look alike and an interpolation sweep changes smoothly; the
    seed sets the stripe phase and places the discs, as a sampler's starting noise would. Nothing
    else enters the pixels, so equal inputs give equal PNG bytes.
    """

    name = "dummy"
    _PROJECTION_SEED = 20221001
    _FEATURES = 12

    def __init__(self, embedding_dim: int, delay_s: float = 0.0, fail_seed: Optional[int] = None):
        self.embedding_dim = embedding_dim
        self._delay_s = delay_s
        self._fail_seed = fail_seed
        basis = np.random.default_rng(self._PROJECTION_SEED).standard_normal((self._FEATURES, embedding_dim))
        # Rows of length sqrt(dim): a random unit embedding then projects to roughly N(0, 1).
        self._basis = basis / np.linalg.norm(basis, axis=1, keepdims=True) * math.sqrt(embedding_dim)

    def render(self, request: DecodeRequest, seed: int) -> bytes:
        if seed == self._fail_seed:
            raise RuntimeError(f"dummy failure for seed {seed} (--dummy-fail-seed)")
        time.sleep(self._delay_s)
        features = np.tanh(self._basis @ request.embedding)
        pixels = self._paint(features, np.random.default_rng(seed), request.width, request.height)
        return png_bytes(Image.fromarray(pixels, "RGB"))

    def details(self, request: DecodeRequest) -> dict[str, Any]:
        return {"renderer": "numpy stripes and discs (steps, guidance_scale and prompts are ignored)"}

    @staticmethod
    def _paint(features: np.ndarray, rng: np.random.Generator, width: int, height: int) -> np.ndarray:
        """Coordinates are in units of the longer side, so the picture does not stretch with its aspect."""
        side = max(width, height)
        y, x = np.mgrid[0:height, 0:width].astype(np.float64) / side
        colour_a, colour_b, colour_disc = (0.5 + 0.45 * features[i:i + 3] for i in (0, 3, 6))
        angle = math.pi * features[9]
        frequency = 2.0 + 4.0 * (features[10] + 1.0)
        phase = rng.uniform(0.0, 2.0 * math.pi)
        t = 0.5 + 0.5 * np.sin(2.0 * math.pi * frequency * (x * math.cos(angle) + y * math.sin(angle)) + phase)
        image = colour_a * (1.0 - t[..., None]) + colour_b * t[..., None]
        radius_scale = 0.05 + 0.05 * (features[11] + 1.0)
        for _ in range(int(rng.integers(3, 7))):
            cx, cy = rng.uniform(0.0, width / side), rng.uniform(0.0, height / side)
            radius = radius_scale * rng.uniform(0.5, 1.5)
            coverage = np.clip((radius - np.hypot(x - cx, y - cy)) * side / 2.0, 0.0, 1.0)  # antialiased edge
            image = image * (1.0 - coverage[..., None]) + colour_disc * coverage[..., None]
        return np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)


class UnclipDecoder:
    """Stable unCLIP conditioned directly on a CLIP image embedding (no input image, no prior).

    unCLIP was trained on raw CLIP image embeddings, whose length is far from 1, while the protocol
    sends unit vectors; each vector is multiplied by `embedding_norm` first. "auto" takes the
    root-mean-square length of the embeddings the model was trained on, sqrt(Σ mean² + std²),
    from the per-dimension statistics in the checkpoint's image_normalizer.

    Each image is its own pipeline call with its own generator seeded seed + i, so image i of a
    batch equals image 0 of a request with seed + i (a stored (embedding, seed) reproduces it).
    """

    def __init__(self, model: str, device: str, dtype: str, embedding_norm: str, noise_level: int):
        try:
            import torch
            from diffusers import StableUnCLIPImg2ImgPipeline
        except ImportError as error:
            raise SystemExit(f"--pipeline unclip needs torch and diffusers ({error}); "
                             "pip install torch diffusers transformers accelerate") from None
        self.name = f"unclip:{model}"  # /v1/info's "pipeline", stored by Faultline with each sample
        self._torch = torch
        self._device = device
        self._dtype = _torch_dtype(torch, dtype, device)
        self._model = model
        self._noise_level = noise_level
        # Same inputs, same pixels on the same GPU and software: no autotuned kernel choice.
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
        log.info("loading %s on %s (%s)", model, device, self._dtype)
        self._pipe = StableUnCLIPImg2ImgPipeline.from_pretrained(model, torch_dtype=self._dtype).to(device)
        self._pipe.set_progress_bar_config(disable=True)
        normalizer = self._pipe.image_normalizer
        self.embedding_dim = int(normalizer.mean.shape[-1])
        self._embedding_norm = (_training_rms_norm(normalizer.mean, normalizer.std) if embedding_norm == "auto"
                                else float(embedding_norm))
        log.info("unCLIP decodes %d-d embeddings scaled to length %.4g", self.embedding_dim, self._embedding_norm)

    def render(self, request: DecodeRequest, seed: int) -> bytes:
        torch = self._torch
        image_embeds = torch.tensor(request.embedding * self._embedding_norm, dtype=self._dtype,
                                    device=self._device).unsqueeze(0)
        result = self._pipe(
            image_embeds=image_embeds,
            noise_level=self._noise_level,
            prompt=request.prompt,
            negative_prompt=request.negative_prompt,
            num_inference_steps=request.steps,
            guidance_scale=request.guidance_scale,
            width=request.width,
            height=request.height,
            generator=torch.Generator(device=self._device).manual_seed(seed),
        )
        return png_bytes(result.images[0])

    def details(self, request: DecodeRequest) -> dict[str, Any]:
        return {
            "model": self._model,
            "scheduler": type(self._pipe.scheduler).__name__,
            "dtype": str(self._dtype).removeprefix("torch."),
            "steps": request.steps,
            "guidance_scale": request.guidance_scale,
            "noise_level": self._noise_level,
            "embedding_norm": self._embedding_norm,
        }


def _torch_dtype(torch: Any, name: str, device: str) -> Any:
    """"auto" is half precision on a GPU (half the memory, same images to the eye) and float32 elsewhere,
    where half-precision kernels are missing or slow."""
    if name == "auto":
        name = "float16" if device.startswith("cuda") else "float32"
    return {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}[name]


def _training_rms_norm(mean: Any, std: Any) -> float:
    """E‖x‖ ≈ sqrt(E‖x‖²) = sqrt(Σᵢ meanᵢ² + stdᵢ²) for the embeddings the normalizer was fitted on."""
    return float((mean.detach().float() ** 2 + std.detach().float() ** 2).sum().sqrt())


# ----------------------------------------------------------------------------------------------
# HTTP

Reply = tuple[int, dict[str, Any]]  # status and JSON payload of a successful request


class DecoderServer(ThreadingHTTPServer):
    """One thread per connection; `gpu_slot` lets one request at a time use the pipeline."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: ServerConfig, decoder: Decoder):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, DecoderRequestHandler)
        self.config = config
        self.decoder = decoder
        self.gpu_slot = threading.Lock()

    def info(self) -> dict[str, Any]:
        return {
            "protocol": PROTOCOL,
            "clip_model": self.config.clip_model,
            "embedding_dim": self.config.embedding_dim,
            "max_count": self.config.max_count,
            "pipeline": self.decoder.name,
            "server": SERVER_NAME,
        }


class DecoderRequestHandler(BaseHTTPRequestHandler):
    """Routes, authenticates and answers in JSON; every error is {"error": "<one line>"}."""

    server: DecoderServer
    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    timeout = SOCKET_TIMEOUT_S

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _routes(self) -> dict[str, tuple[str, Callable[[], Reply]]]:
        return {"/v1/info": ("GET", self._handle_info), "/v1/decode": ("POST", self._handle_decode)}

    def _dispatch(self, method: str) -> None:
        self._body_read = False
        started = time.monotonic()
        try:
            status, payload = self._route(method)()
        except RequestError as error:
            self._reply_error(error)
        except Exception:  # a bug here, not in the pipeline: the client still gets one JSON line
            log.exception("internal error on %s %s", method, self.path)
            self._reply_error(RequestError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal server error"))
        else:
            self._send_json(status, payload)
            log.info("%s %s %d in %.2f s", method, self.path, status, time.monotonic() - started)

    def _route(self, method: str) -> Callable[[], Reply]:
        path = self.path.split("?", 1)[0]
        route = self._routes().get(path)
        if route is None:
            raise RequestError(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
        allowed, handler = route
        if method != allowed:
            raise RequestError(HTTPStatus.METHOD_NOT_ALLOWED, f"{path} takes {allowed}, not {method}",
                               (("Allow", allowed),))
        self._check_token()
        return handler

    def _check_token(self) -> None:
        expected = self.server.config.token
        if expected is None:
            return
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            raise RequestError(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token",
                               (("WWW-Authenticate", 'Bearer realm="faultline-decoder"'),))

    def _handle_info(self) -> Reply:
        return HTTPStatus.OK, self.server.info()

    def _handle_decode(self) -> Reply:
        content_type = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            raise bad_request(f"Content-Type must be application/json, not {content_type or 'missing'!r}")
        request = parse_decode_request(parse_json_object(self._read_body()), self.server.config)
        images = self._render_images(request)
        info = {"pipeline": self.server.decoder.name, "clip_model": self.server.config.clip_model,
                "server": SERVER_NAME, "width": request.width, "height": request.height,
                **self.server.decoder.details(request)}
        return HTTPStatus.OK, {"images": images, "info": info}

    def _read_body(self) -> bytes:
        length = self._content_length()
        if length is None:
            raise bad_request("a Content-Length header is required")
        if length > self.server.config.max_body_bytes:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                               f"request body of {length} bytes exceeds {self.server.config.max_body_bytes}")
        body = self.rfile.read(length)
        self._body_read = True
        if len(body) != length:
            raise bad_request(f"request body ended after {len(body)} of {length} bytes")
        return body

    def _content_length(self) -> Optional[int]:
        header = self.headers.get("Content-Length")
        if header is None:
            return None
        if not header.strip().isdigit():
            raise bad_request(f"invalid Content-Length {header!r}")
        return int(header)

    def _render_images(self, request: DecodeRequest) -> list[dict[str, Any]]:
        """Holds the GPU slot for the whole batch; waits at most --queue-wait, then answers 503."""
        wait = self.server.config.queue_wait_s
        if not self.server.gpu_slot.acquire(timeout=wait):
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: the GPU was taken for more than {wait:g} s",
                               (("Retry-After", "1"),))
        try:
            return [self._render_one(request, request.seed + i) for i in range(request.count)]
        finally:
            self.server.gpu_slot.release()

    def _render_one(self, request: DecodeRequest, seed: int) -> dict[str, Any]:
        try:
            png = self.server.decoder.render(request, seed)
        except Exception as error:
            log.exception("pipeline failure for seed %d", seed)
            first_line = (str(error).splitlines() or [""])[0][:300]
            raise RequestError(HTTPStatus.INTERNAL_SERVER_ERROR,
                               f"pipeline failure: {type(error).__name__}: {first_line}") from None
        return {"png_base64": base64.b64encode(png).decode("ascii"), "seed": seed}

    def _reply_error(self, error: RequestError) -> None:
        """Reads what is left of the body first: closing on unread data would reset the connection
        and the client would never see the reply. The connection is closed after any error."""
        if not self._body_read:
            self._discard_body()
        log.warning("%s %s %d: %s", self.command, self.path, error.status, error.message)
        self._send_json(error.status, {"error": error.message}, error.headers)

    def _discard_body(self) -> None:
        try:
            remaining = min(self._content_length() or 0, DRAIN_LIMIT)
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
        except (OSError, RequestError):
            pass  # the reply is still sent; at worst the client sees a reset
        self._body_read = True

    def _send_json(self, status: int, payload: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """http.server's own errors (malformed request, unsupported method) in the protocol's JSON."""
        log.warning("%s %d: %s", self.requestline or "(no request line)", code, message)
        self._send_json(code, {"error": message or HTTPStatus(code).phrase})

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Requests are logged once by _dispatch with their duration, errors with their message."""

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


# ----------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default %(default)s; keep it local unless behind TLS)")
    parser.add_argument("--port", type=int, default=8765,
                        help="port (default %(default)s); 0 picks a free one, printed on stdout")
    parser.add_argument("--pipeline", choices=("unclip", "dummy"), default="unclip", help="default %(default)s")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="unclip: Hugging Face id or local directory (default %(default)s)")
    parser.add_argument("--device", default="cuda", help="unclip: torch device (default %(default)s)")
    parser.add_argument("--dtype", choices=("auto", "float16", "bfloat16", "float32"), default="auto",
                        help="unclip: auto (the default) is float16 on CUDA, float32 elsewhere")
    parser.add_argument("--embedding-norm", default="auto", type=_norm_arg,
                        help="unclip: length the unit embeddings are scaled to; auto (the default) is the "
                             "RMS length of the model's training embeddings, from its image_normalizer")
    parser.add_argument("--noise-level", type=_noise_level_arg, default=0,
                        help="unclip: 0-999 noise added to the embedding, higher for more varied images "
                             "(default %(default)s)")
    parser.add_argument("--token",
                        help=f"require 'Authorization: Bearer TOKEN'; default ${TOKEN_ENV}, "
                             "which keeps the token out of the process list")
    parser.add_argument("--max-count", type=int, default=4, help="most images per request (default %(default)s)")
    parser.add_argument("--clip-model", default="ViT-L/14",
                        help="the CLIP space the pipeline decodes (default %(default)s)")
    parser.add_argument("--embedding-dim", type=int,
                        help="dummy: embedding size (default 768); unclip reads it from the model")
    parser.add_argument("--max-body-bytes", type=int, default=1 << 20,
                        help="larger request bodies get 413 (default %(default)s)")
    parser.add_argument("--queue-wait", type=float, default=10.0,
                        help="seconds a request waits for the GPU before it gets 503 (default %(default)s)")
    parser.add_argument("--dummy-delay", type=float, default=0.0,
                        help="dummy: seconds each image takes, to exercise client timeouts and 503 retries")
    parser.add_argument("--dummy-fail-seed", type=int,
                        help="dummy: the image with this seed fails (HTTP 500), to exercise client error paths")
    args = parser.parse_args(argv)
    args.token = args.token or os.environ.get(TOKEN_ENV) or None
    if args.pipeline == "unclip" and args.embedding_dim is not None:
        parser.error("--embedding-dim is for the dummy pipeline; unclip reads it from the model")
    if args.max_count < 1 or args.max_body_bytes < 1 or args.queue_wait < 0 or args.dummy_delay < 0:
        parser.error("--max-count and --max-body-bytes must be positive, --queue-wait and --dummy-delay not negative")
    return args


def _norm_arg(value: str) -> str:
    if value != "auto" and not float(value) > 0:
        raise argparse.ArgumentTypeError("must be 'auto' or a positive number")
    return value


def _noise_level_arg(value: str) -> int:
    """unCLIP's image_noising_scheduler has 1000 training steps; the pipeline rejects anything else."""
    level = int(value)
    if not 0 <= level <= 999:
        raise argparse.ArgumentTypeError("must be between 0 and 999")
    return level


def build_decoder(args: argparse.Namespace) -> Decoder:
    if args.pipeline == "dummy":
        return DummyDecoder(args.embedding_dim or 768, args.dummy_delay, args.dummy_fail_seed)
    return UnclipDecoder(args.model, args.device, args.dtype, args.embedding_norm, args.noise_level)


def stop_on_signals(server: DecoderServer) -> None:
    """SIGTERM/SIGINT end serve_forever; shutdown() must run on another thread or it deadlocks."""
    def stop(signum: int, _frame: Any) -> None:
        log.info("%s: shutting down", signal.Signals(signum).name)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def main(argv: Optional[list[str]] = None) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    decoder = build_decoder(args)
    config = ServerConfig(clip_model=args.clip_model, embedding_dim=decoder.embedding_dim,
                          max_count=args.max_count, token=args.token,
                          max_body_bytes=args.max_body_bytes, queue_wait_s=args.queue_wait)
    server = DecoderServer((args.host, args.port), config, decoder)
    stop_on_signals(server)
    host, port = server.server_address[:2]
    print(f"listening on http://{f'[{host}]' if ':' in host else host}:{port}", flush=True)
    log.info("%s pipeline, %s %d-d, max %d images, token %s", decoder.name, config.clip_model,
             config.embedding_dim, config.max_count, "required" if config.token else "not required")
    with server:
        server.serve_forever()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
