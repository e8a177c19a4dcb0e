"""A labelled VQD clip set made from photographs that scikit-image ships (nothing downloaded).

Each source photograph becomes short camera-like clips (480×270, 10 fps, 2.5 s): the scene seen
through a slightly vibrating camera (sub-pixel jitter), sometimes with something moving across
it, sensor noise, then H.264 (libx264) or JPEG (MJPEG) compression by /usr/bin/ffmpeg. Healthy
clips vary the crop, zoom, noise, motion and codec; fault clips inject one fault of the DESIGN §5
catalogue at two severities, ``obvious`` and ``moderate``. Everything is seeded: the same
version string gives the same clips.

Every clip also has a REFERENCE view next to it (``<stem>.ref.jpg``, :attr:`Clip.reference`): the
same scene and crop (the same :class:`Scene`, built from the same seed) rendered healthy at
another moment, under slightly different light and with its own sensor noise, and encoded as the
console stores one (:func:`worker_node.analysis.snapshot.encode_thumbnail`). The benchmark sends
it with every diagnosis, as a worker does, for ``scene_change``. The ``scene_change`` fault is the
camera turned by 45 % (obvious) or 20 % (moderate) of the picture width for the whole clip.
Clip sets built before references existed are completed in place (:func:`build`): the missing
references are added and only the ``scene_change`` clips are rendered again.

Split: by source photograph, so no photo is in both halves. ``tune`` photos may be looked at
while setting thresholds; ``test`` photos must not be (the benchmark's RESULT is on them only).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

VERSION = "vqd-2"
# The parts added to VERSION's clip set later, completed in place by build(): reference views,
# and scene_change clips turned for the whole clip (they used to turn halfway through).
REFERENCE_VERSION = "ref-1"
# 480×270 (a camera sub-stream size): the bundled photos are 384–741 px wide, and at 640×360
# most would be upscaled 1.3–1.8×, which softens them as no real camera picture is.
WIDTH, HEIGHT, FPS, SECONDS = 480, 270, 10, 2.5
HEALTHY_PER_PHOTO = 14

# (skimage.data function, bundled file it reads, split). Only photographs of scenes; the
# bundled file is checked before loading so that nothing is ever fetched from the network.
PHOTOS: tuple[tuple[str, str, str], ...] = (
    ("astronaut", "astronaut.png", "tune"),
    ("coffee", "coffee.png", "tune"),
    ("camera", "camera.png", "tune"),
    ("brick", "brick.png", "tune"),
    ("chelsea", "chelsea.png", "test"),
    ("rocket", "rocket.jpg", "test"),
    ("motorcycle", "motorcycle_left.png", "test"),
    ("coins", "coins.png", "test"),
)

# fault -> checks that must fire on it (its positives).
FAULTS: dict[str, tuple[str, ...]] = {
    "dark": ("brightness",),
    "bright": ("brightness",),
    "blur": ("clarity", "focus_blur"),
    "freeze": ("freeze",),
    "black": ("signal_loss",),
    "blue_screen": ("blue_screen",),
    "color_cast": ("color_cast",),
    "low_contrast": ("contrast",),
    "noise": ("noise",),
    "occlusion": ("occlusion",),
    "snow": ("snow",),
    "stripe": ("stripe",),
    "shake": ("shake",),
    "mosaic": ("mosaic",),
    "flower_screen": ("flower_screen",),
    "lens_dirty": ("lens_dirty",),
    "scene_change": ("scene_change",),
}
# fault -> checks whose firing is neither right nor wrong: the fault really is that symptom too
# (a blue "no video" screen is a lost signal; a picture squeezed into a few grey levels has
# little contrast and sharpness left). These clips are left out of those checks' figures.
EXCUSED: dict[str, tuple[str, ...]] = {
    "dark": ("contrast", "clarity", "focus_blur", "noise"),
    "bright": ("contrast", "clarity", "focus_blur"),
    "black": ("brightness", "contrast", "clarity", "focus_blur"),
    "blue_screen": ("signal_loss", "color_cast", "contrast", "clarity", "focus_blur"),
    "low_contrast": ("clarity", "focus_blur"),
    "lens_dirty": ("clarity", "focus_blur"),
    "snow": ("noise",),
    "noise": ("snow",),
    "mosaic": ("flower_screen", "clarity", "focus_blur"),
    "flower_screen": ("mosaic",),
    # A hand over the lens really does change what the camera sees: the reference's view is
    # half hidden, so a scene_change finding on it is no error. Lighting, quality, shake and
    # freeze faults are NOT excused: the camera still looks at its reference scene.
    "occlusion": ("scene_change",),
}
SEVERITIES = ("obvious", "moderate")

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class Clip:
    path: str
    photo: str
    split: str
    fault: str  # "healthy" or a key of FAULTS
    severity: str  # "" for healthy
    positives: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    codec: str = "h264"
    extra: dict[str, float] = field(default_factory=dict)
    reference: str = ""  # the reference view's JPEG file ("" in sets built before references)


def available_photos() -> list[tuple[str, str, Image]]:
    """(name, split, BGR image) of each photograph whose file ships with scikit-image."""
    import skimage.data

    data_dir = Path(skimage.data.__file__).parent
    photos = []
    for name, filename, split in PHOTOS:
        if not (data_dir / filename).is_file():
            continue  # would be downloaded: skip it
        if name == "motorcycle":
            image = skimage.data.stereo_motorcycle()[0]
        else:
            image = getattr(skimage.data, name)()
        image = np.asarray(image, dtype=np.uint8)
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        else:
            image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
        photos.append((name, split, image))
    return photos


# --- rendering -------------------------------------------------------------------------------


class Scene:
    """A photo seen by a fixed camera: crop/zoom, jitter, an optional mover, sensor noise."""

    def __init__(self, photo: Image, rng: np.random.Generator, *, moving: bool) -> None:
        self.rng = rng
        zoom = rng.uniform(1.0, 1.1)
        h, w = photo.shape[:2]
        scale = zoom * max((WIDTH + 8) / w, (HEIGHT + 8) / h)
        big = cv2.resize(photo, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        bh, bw = big.shape[:2]
        x0 = int(rng.integers(0, bw - WIDTH - 8 + 1))
        y0 = int(rng.integers(0, bh - HEIGHT - 8 + 1))
        self.big = big
        self.origin = (x0 + 4, y0 + 4)
        self.noise_sigma = float(rng.uniform(1.5, 3.5))
        self.jitter = float(rng.uniform(0.1, 0.6))
        self.moving = moving
        self.mover_colour = tuple(int(c) for c in rng.integers(20, 235, 3))
        self.mover_y = float(rng.uniform(0.3, 0.8)) * HEIGHT
        self.mover_speed = float(rng.uniform(60, 160)) * (1 if rng.random() < 0.5 else -1)
        self.noise_bank = [
            rng.standard_normal((HEIGHT + 32, WIDTH + 32, 3), dtype=np.float32) for _ in range(4)
        ]

    def view(self, t: float, dx: float = 0.0, dy: float = 0.0, angle: float = 0.0) -> Image:
        """The optical picture at time ``t`` (before noise), shifted by (dx, dy) pixels."""
        jx = self.jitter * np.sin(2 * np.pi * 0.7 * t) + self.rng.normal(0, 0.1)
        jy = self.jitter * np.cos(2 * np.pi * 0.45 * t) + self.rng.normal(0, 0.1)
        x0, y0 = self.origin
        m = cv2.getRotationMatrix2D((x0 + WIDTH / 2, y0 + HEIGHT / 2), angle, 1.0)
        m[0, 2] -= x0 + jx + dx
        m[1, 2] -= y0 + jy + dy
        frame = cv2.warpAffine(
            self.big, m, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        if self.moving:
            cx = (WIDTH / 2 + self.mover_speed * (t - SECONDS / 2)) % (WIDTH + 120) - 60
            cy = self.mover_y + 6 * np.sin(4 * t)
            cv2.ellipse(frame, (int(cx), int(cy)), (26, 48), 0, 0, 360, self.mover_colour, -1)
            cv2.ellipse(frame, (int(cx), int(cy - 62)), (14, 16), 0, 0, 360, (70, 90, 130), -1)
        return frame

    def sensor(self, frame: Image, sigma: float | None = None) -> Image:
        """Add temporally independent sensor noise."""
        sigma = self.noise_sigma if sigma is None else sigma
        bank = self.noise_bank[int(self.rng.integers(0, len(self.noise_bank)))]
        ox, oy = (int(v) for v in self.rng.integers(0, 32, 2))
        noise = bank[oy : oy + HEIGHT, ox : ox + WIDTH] * sigma
        return np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _gain_to_mean(frame: Image, target: float) -> Image:
    grey = float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).mean())
    return np.clip(frame.astype(np.float32) * (target / max(grey, 1.0)), 0, 255).astype(np.uint8)


def _overexpose(frame: Image, target: float) -> Image:
    f = frame.astype(np.float32)
    grey = float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).mean())
    # lift towards white: 255 - (255 - x) * k, k chosen so the mean lands on the target
    k = (255.0 - target) / max(255.0 - grey, 1.0)
    return np.clip(255.0 - (255.0 - f) * k, 0, 255).astype(np.uint8)


def _soft_blobs(rng: np.random.Generator, count: int, radius: tuple[int, int]) -> NDArray:
    mask = np.zeros((HEIGHT, WIDTH), np.float32)
    for _ in range(count):
        c = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        axes = (int(rng.integers(*radius)), int(rng.integers(*radius)))
        cv2.ellipse(mask, c, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), 9)


def _fault_renderer(
    fault: str, severity: str, scene: Scene, rng: np.random.Generator
) -> Callable[[float, int], Image]:
    """A function (t, index) -> final frame (before compression) for ``fault``."""
    ob = severity == "obvious"

    def healthy(t: float, i: int) -> Image:
        return scene.sensor(scene.view(t))

    if fault == "healthy":
        return healthy
    if fault == "dark":
        target = 12.0 if ob else 22.0
        return lambda t, i: scene.sensor(_gain_to_mean(scene.view(t), target), 1.5)
    if fault == "bright":
        target = 242.0 if ob else 230.0
        return lambda t, i: scene.sensor(_overexpose(scene.view(t), target))
    if fault == "blur":
        sigma = 4.5 if ob else 2.5
        return lambda t, i: scene.sensor(cv2.GaussianBlur(scene.view(t), (0, 0), sigma))
    if fault == "freeze":
        still = healthy(0.0, 0)
        return lambda t, i: still
    if fault == "black":
        if ob:
            return lambda t, i: np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        flat = np.full((HEIGHT, WIDTH, 3), 40, np.uint8)
        cv2.putText(
            flat,
            "NO SIGNAL",
            (WIDTH // 2 - 75, HEIGHT // 2 + 8),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8,
            (200,) * 3,
            2,
        )
        return lambda t, i: scene.sensor(flat, 1.0)
    if fault == "blue_screen":
        blue = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        blue[:] = (255, 0, 0) if ob else (190, 45, 25)
        if not ob:
            cv2.putText(
                blue,
                "NO VIDEO",
                (WIDTH // 2 - 65, HEIGHT // 2 + 8),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.8,
                (230,) * 3,
                2,
            )
        return lambda t, i: scene.sensor(blue, 0.8)
    if fault == "color_cast":
        casts = [(0.55, 0.8, 1.15), (1.2, 0.75, 0.6), (0.7, 1.15, 0.7), (1.1, 0.6, 1.1)]
        gains = np.array(casts[int(rng.integers(0, len(casts)))], np.float32)
        if not ob:
            gains = 1.0 + (gains - 1.0) * 0.55
        return lambda t, i: scene.sensor(
            np.clip(scene.view(t).astype(np.float32) * gains, 0, 255).astype(np.uint8)
        )
    if fault == "low_contrast":
        a = 0.18 if ob else 0.3
        fog = float(rng.uniform(110, 190))
        return lambda t, i: scene.sensor(
            (scene.view(t).astype(np.float32) * a + fog * (1 - a)).astype(np.uint8)
        )
    if fault == "noise":
        sigma = 28.0 if ob else 14.0
        return lambda t, i: scene.sensor(scene.view(t), sigma)
    if fault == "occlusion":
        share = 0.55 if ob else 0.3
        mask = np.zeros((HEIGHT, WIDTH), np.float32)
        corner = int(rng.integers(0, 4))
        cx = 0 if corner in (0, 2) else WIDTH
        cy = 0 if corner in (0, 1) else HEIGHT
        r = np.sqrt(share * WIDTH * HEIGHT * 4 / np.pi)
        cv2.ellipse(mask, (cx, cy), (int(r * 1.1), int(r * 0.9)), 0, 0, 360, 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), 12)[..., None]
        skin = np.zeros((HEIGHT, WIDTH, 3), np.float32)
        skin[:] = (45, 60, 95) if rng.random() < 0.5 else (25, 25, 30)
        shade = np.linspace(0.6, 1.3, WIDTH, dtype=np.float32)[None, :, None]
        hand = np.clip(cv2.GaussianBlur(skin * shade, (0, 0), 5), 0, 255)
        return lambda t, i: scene.sensor(
            (scene.view(t) * (1 - mask) + hand * mask).astype(np.uint8)
        )
    if fault == "snow":
        share = 0.08 if ob else 0.03

        def snow(t: float, i: int) -> Image:
            frame = scene.sensor(scene.view(t))
            hit = rng.random((HEIGHT, WIDTH)) < share / 2
            hit = cv2.dilate(hit.astype(np.uint8), np.ones((1, 3), np.uint8)).astype(bool)
            value = np.where(rng.random((HEIGHT, WIDTH)) < 0.6, 255, 0).astype(np.uint8)
            frame[hit] = value[hit][:, None]
            return frame

        return snow
    if fault == "stripe":
        amp = 38.0 if ob else 18.0
        period = float(rng.uniform(8, 30))
        slope = float(rng.choice([0.0, 0.5, -1.0]))
        yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
        base = (yy + slope * xx) * (2 * np.pi / period)

        def stripe(t: float, i: int) -> Image:
            wave = amp * np.sin(base + 5.0 * t)[..., None]
            return scene.sensor(np.clip(scene.view(t) + wave, 0, 255).astype(np.uint8))

        return stripe
    if fault == "shake":
        amp = 22.0 if ob else 9.0
        return lambda t, i: scene.sensor(
            scene.view(t, *rng.uniform(-amp, amp, 2), angle=float(rng.uniform(-1, 1)) * amp / 10)
        )
    if fault == "mosaic":
        block = 16 if ob else 10

        def mosaic(t: float, i: int) -> Image:
            frame = scene.sensor(scene.view(t))
            small = cv2.resize(
                frame, (WIDTH // block, HEIGHT // block), interpolation=cv2.INTER_AREA
            )
            return cv2.resize(small, (WIDTH, HEIGHT), interpolation=cv2.INTER_NEAREST)

        return mosaic
    if fault == "flower_screen":
        share = 0.35 if ob else 0.12
        state: dict[str, Image] = {}

        def flower(t: float, i: int) -> Image:
            frame = scene.sensor(scene.view(t))
            prev = state.get("prev", frame)
            out = frame.copy()
            cols, rows = WIDTH // 16, HEIGHT // 16
            todo = int(share * cols * rows)
            while todo > 0:
                run = int(rng.integers(4, 24))
                r, c = int(rng.integers(0, rows)), int(rng.integers(0, cols))
                x0, y0, x1 = c * 16, r * 16, min(WIDTH, (c + run) * 16)
                kind = int(rng.integers(0, 3))
                if kind == 0:  # smeared: the block row's top line dragged down
                    y1 = min(HEIGHT, y0 + 16 * int(rng.integers(1, 4)))
                    out[y0:y1, x0:x1] = out[y0 : y0 + 1, x0:x1]
                elif kind == 1:  # garbage chroma (decoder reading zeros: green/magenta)
                    colour = (0, 160, 0) if rng.random() < 0.6 else (200, 40, 200)
                    out[y0 : y0 + 16, x0:x1] = colour
                else:  # stale, displaced blocks from an earlier frame
                    sx = int(np.clip(x0 + rng.integers(-48, 49), 0, WIDTH - (x1 - x0)))
                    out[y0 : y0 + 16, x0:x1] = prev[y0 : y0 + 16, sx : sx + (x1 - x0)]
                todo -= run
            state["prev"] = frame
            return out

        return flower
    if fault == "lens_dirty":
        count = 9 if ob else 4
        mask = np.clip(_soft_blobs(rng, count, (35, 80) if ob else (25, 55)) * 1.2, 0, 1)[..., None]
        tint = np.array((60, 80, 100), np.float32)

        def dirty(t: float, i: int) -> Image:
            view = scene.view(t).astype(np.float32)
            smudge = cv2.GaussianBlur(view, (0, 0), 10) * 0.75 + tint * 0.25
            return scene.sensor((view * (1 - mask) + smudge * mask).astype(np.uint8))

        return dirty
    if fault == "scene_change":
        shift = TURNS[severity] * WIDTH
        return lambda t, i: scene.sensor(scene.view(t, shift, 0.0))
    raise ValueError(f"unknown fault {fault!r}")


# scene_change: how far the camera is turned, as a share of the picture width.
TURNS = {"obvious": 0.45, "moderate": 0.2}


def _encode(path: Path, frames: list[Image], codec: str) -> None:
    if codec == "h264":
        out = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "20"]
        out += ["-pix_fmt", "yuv420p"]
    else:
        out = ["-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p"]
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo"]
    cmd += ["-pix_fmt", "bgr24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "-"]
    data = b"".join(np.ascontiguousarray(f).tobytes() for f in frames)
    subprocess.run([*cmd, *out, str(path)], input=data, check=True)


def _plan(photos: list[tuple[str, str, Image]]) -> list[tuple[str, str, str, str, int]]:
    """(photo, split, fault, severity, variant) for every clip."""
    plan = []
    for name, split, _ in photos:
        for variant in range(HEALTHY_PER_PHOTO):
            plan.append((name, split, "healthy", "", variant))
        for fault in FAULTS:
            for severity in SEVERITIES:
                plan.append((name, split, fault, severity, 0))
    return plan


def _key(name: str, fault: str, severity: str, variant: int) -> str:
    return f"{VERSION}/{name}/{fault}/{severity}/{variant}"


def _stem(name: str, fault: str, severity: str, variant: int) -> str:
    return f"{name}__{fault}__{severity or 'none'}__{variant}"


def _scene(photo: Image, key: str) -> tuple[Scene, np.random.Generator, bool, str]:
    """The clip's scene and its random stream, exactly as the clip was first drawn."""
    rng = np.random.default_rng(zlib.crc32(key.encode()))
    moving = bool(rng.random() < 0.5)
    codec = "h264" if rng.random() < 0.6 else "mjpeg"
    return Scene(photo, rng, moving=moving), rng, moving, codec


def _write_reference(out_dir: Path, photo: Image, key: str, stem: str) -> Path:
    """The clip's reference view: its scene rendered healthy at another moment (its own noise,
    light within ±15 %, the mover wherever it then is), stored as the console stores one."""
    from worker_node.analysis.snapshot import encode_thumbnail

    scene, _, _, _ = _scene(photo, key)
    scene.rng = np.random.default_rng(zlib.crc32(f"{REFERENCE_VERSION}/{key}".encode()))
    shape = (HEIGHT + 32, WIDTH + 32, 3)
    scene.noise_bank = [scene.rng.standard_normal(shape, dtype=np.float32)]
    moment = float(scene.rng.uniform(10.0, 60.0))
    gain = float(scene.rng.uniform(0.85, 1.15))
    view = np.clip(scene.view(moment).astype(np.float32) * gain, 0, 255).astype(np.uint8)
    text = encode_thumbnail(scene.sensor(view))
    assert text is not None
    path = out_dir / f"{stem}.ref.jpg"
    _write_atomically(path, base64.b64decode(text))
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers (other benchmark runs) see the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _render(
    out_dir: Path, photo: Image, name: str, split: str, fault: str, severity: str, variant: int
) -> Clip:
    key = _key(name, fault, severity, variant)
    scene, rng, moving, codec = _scene(photo, key)
    render = _fault_renderer(fault, severity, scene, rng)
    count = int(FPS * SECONDS)
    frames = [render(i / FPS, i) for i in range(count)]
    stem = _stem(name, fault, severity, variant)
    suffix = "mp4" if codec == "h264" else "avi"
    path = out_dir / f"{stem}.{suffix}"
    partial = out_dir / f".{stem}.{os.getpid()}.part.{suffix}"  # ffmpeg picks the container
    _encode(partial, frames, codec)
    os.replace(partial, path)
    reference = _write_reference(out_dir, photo, key, stem)
    extra = {"moving": float(moving), "noise_sigma": round(scene.noise_sigma, 2)}
    if fault == "scene_change":
        extra["turn"] = TURNS[severity]
    return Clip(
        path=str(path),
        photo=name,
        split=split,
        fault=fault,
        severity=severity,
        positives=FAULTS.get(fault, ()),
        excused=EXCUSED.get(fault, ()),
        codec=codec,
        extra=extra,
        reference=str(reference),
    )


def _stale(clip: Clip) -> bool:
    """A clip of an older set: no reference yet, or a scene_change that turns halfway."""
    if not clip.reference or not os.path.exists(clip.reference):
        return True
    return clip.fault == "scene_change" and "turn" not in clip.extra


def _complete(root: Path, clips: list[Clip], workers: int, log) -> list[Clip]:
    """Bring a cached set up to date in place: add missing references, render scene_change
    again; every other clip file is left untouched (other runs may be reading them)."""
    stale = [i for i, c in enumerate(clips) if _stale(c)]
    if not stale:
        return clips
    log(f"dataset: completing {len(stale)} clips in {root} (references, scene_change) …")
    images = {name: image for name, _, image in available_photos()}

    def one(index: int) -> Clip:
        clip = clips[index]
        variant = int(Path(clip.path).stem.rsplit("__", 1)[1])
        if clip.fault == "scene_change" and "turn" not in clip.extra:
            return _render(
                root, images[clip.photo], clip.photo, clip.split, clip.fault, clip.severity,
                variant,
            )  # fmt: skip
        key = _key(clip.photo, clip.fault, clip.severity, variant)
        stem = _stem(clip.photo, clip.fault, clip.severity, variant)
        reference = _write_reference(root, images[clip.photo], key, stem)
        return Clip(**{**asdict(clip), "excused": EXCUSED.get(clip.fault, ()),
                       "reference": str(reference)})  # fmt: skip

    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = dict(zip(stale, pool.map(one, stale), strict=True))
    clips = [done.get(i, c) for i, c in enumerate(clips)]
    _write_manifest(root / "manifest.json", clips)
    return clips


def _write_manifest(path: Path, clips: list[Clip]) -> None:
    _write_atomically(path, json.dumps([asdict(c) for c in clips]).encode())


def build(cache_root: Path | None = None, workers: int = 2, log=print) -> list[Clip]:
    """The clip set, generated once per VERSION under ``cache_root`` (default: the temp dir).

    A cached set from before references is completed in place (see :func:`_complete`).
    """
    root = Path(cache_root or tempfile.gettempdir()) / f"easysight-{VERSION}"
    manifest = root / "manifest.json"
    if manifest.is_file():
        rows = json.loads(manifest.read_text())
        # Labels come from the tables above, not the manifest: what a fault excuses may be
        # decided after its clips were rendered.
        clips = [
            Clip(
                **{
                    **r,
                    "positives": FAULTS.get(r["fault"], ()),
                    "excused": EXCUSED.get(r["fault"], ()),
                }
            )
            for r in rows
        ]
        if all(os.path.exists(c.path) for c in clips):
            clips = _complete(root, clips, workers, log)
            log(f"dataset: {len(clips)} clips cached in {root}")
            return clips
    if root.exists():
        shutil.rmtree(root)
    building = root.with_name(root.name + f".tmp{os.getpid()}")
    building.mkdir(parents=True, exist_ok=True)
    photos = available_photos()
    images = {name: image for name, _, image in photos}
    plan = _plan(photos)
    log(f"dataset: rendering {len(plan)} clips from {len(photos)} photos into {root} …")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        clips = list(pool.map(lambda p: _render(building, images[p[0]], *p), plan))

    def moved(path: str) -> str:
        return str(root / Path(path).name)

    clips = [Clip(**{**asdict(c), "path": moved(c.path), "reference": moved(c.reference)})
             for c in clips]  # fmt: skip
    building.rename(root)
    _write_manifest(manifest, clips)
    return clips
