"""The pages' languages: Chinese by default, English on request, every text in a catalogue.

The catalogues are gettext ``.po`` files under ``api/web/locale/<lang>/LC_MESSAGES/`` whose
message ids are the English texts; Babel reads them when the app starts and compiles them in
memory (no build step, nothing generated in the tree). The English catalogue is empty on
purpose: an untranslated id *is* the English text. A test checks that every id used by a
template or a page has its Chinese translation.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR: Final = Path(__file__).parent / "locale"
LANGUAGES: Final = ("zh", "en")
DEFAULT: Final = "zh"
#: Each language's own name, for the switch.
NAMES: Final = {"zh": "中文", "en": "English"}
#: What ``<html lang>`` says.
HTML_LANG: Final = {"zh": "zh-CN", "en": "en"}


def language(value: str | None) -> str:
    """A supported language code; anything else is the default (Chinese)."""
    return value if value in LANGUAGES else DEFAULT


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> Translations:
    """The language's catalogue, compiled in memory once per process."""
    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(lang: str, message: str) -> str:
    return translations(language(lang)).gettext(message)
