"""PDF documents: rendering with WeasyPrint and reading their text back with pypdf.

This is the only module that imports WeasyPrint. Documents are PDF/A with their fonts
embedded (DejaVu, from Debian's fonts-dejavu-core), and their creation date comes from the
document, not the clock, so that the same content always gives the same bytes (and the same
SHA-512) and can be cached and checksummed.

The documents of the app (the Vorlage, the invitation, the Niederschrift) are Django
templates extending ``pdf/base.html`` and styled by the one stylesheet ``css/print.css``:

    data = render_pdf("pdf/paper.html", {"paper": paper}, title="KSD …", created=paper.modified)

or, through the cache in the default storage (what views do):

    data = cached_render_pdf("pdf/paper.html", context, title=…, created=…)

The cache key is the SHA-256 of the rendered HTML together with the stylesheet and the
WeasyPrint version: the HTML is cheap to render and holds everything that ends up in the
PDF, so any edit of the data or of a template gives a new key, and nothing has to be
invalidated by hand. Old entries are simply never asked for again.
"""

import datetime
import functools
import hashlib
import io
import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"
# The app's own documents are tagged (PDF/A-3a): screen readers follow headings, lists and tables.
DOCUMENT_PDF_VARIANT = "pdf/a-3a"
PRINT_STYLESHEET = "css/print.css"
CACHE_FOLDER = "pdf-cache"
# Relative URLs in the documents (the stylesheet, images under /static/) are resolved against
# this origin; it never leaves the process, and being fixed keeps the bytes host-independent.
BASE_URL = "https://ratsbuch.invalid/"

SIMPLE_DOCUMENT_CSS = """
@page { size: A4; margin: 2.5cm 2cm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 16pt; margin: 0 0 0.3cm; }
h2 { font-size: 12pt; font-weight: normal; margin: 0 0 0.8cm; }
p { margin: 0 0 0.35cm; }
"""


class RefusedURLError(ValueError):
    """A document asked for a resource outside the project's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Hand WeasyPrint the project's static files and data: URLs, and nothing else.

    A Vorlage's text comes from clerks and from imported OParl records; a reference to
    file:///etc/passwd or to a tracking pixel on another server must neither be read nor
    fetched. WeasyPrint catches the error, logs it and renders the document without it.
    """

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        return URLFetcherResponse(url, body=static_file_bytes(url), headers={"Content-Type": _content_type(url)})


def static_file_bytes(url: str) -> bytes:
    """The bytes of a static file addressed as BASE_URL + STATIC_URL + path; refuse anything else."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
        raise RefusedURLError(f"Documents may only use the project's static files, not {url}")
    relative = parts.path.removeprefix(static_prefix)
    found = finders.find(relative) if ".." not in relative.split("/") else None
    if not found:
        raise RefusedURLError(f"No static file {relative!r}")
    return Path(found).read_bytes()


def _content_type(url: str) -> str:
    suffix = Path(urlsplit(url).path).suffix.lower()
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".svg": "image/svg+xml",
    }.get(suffix, "application/octet-stream")


@functools.lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    # One per process: it holds the fonts Pango has loaded, which is most of a first render.
    return FontConfiguration()


@functools.lru_cache(maxsize=1)
def _url_fetcher() -> StaticOnlyURLFetcher:
    return StaticOnlyURLFetcher(allowed_protocols=("https", "data"), allow_redirects=False)


@functools.lru_cache(maxsize=4)
def _stylesheet(name: str = PRINT_STYLESHEET) -> tuple[weasyprint.CSS, str]:
    """The parsed print stylesheet and the SHA-256 of its text, once per process."""
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(f"The print stylesheet static/{name} is missing.")
    data = Path(path).read_bytes()
    css = weasyprint.CSS(
        string=data.decode(),
        base_url=BASE_URL + settings.STATIC_URL.lstrip("/") + name,
        url_fetcher=_url_fetcher(),
        font_config=_font_config(),
    )
    return css, hashlib.sha256(data).hexdigest()


def render_html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF/A bytes; identical HTML gives identical bytes.

    The title comes from the document's <title>, the creation and modification dates from
    <meta name="dcterms.created"> and <meta name="dcterms.modified">.
    """
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)


def simple_document_pdf(
    title: str,
    paragraphs: list[str],
    *,
    subtitle: str = "",
    created: datetime.date | None = None,
    lang: str = "de",
) -> bytes:
    """Render a plain document: a heading, an optional subheading and paragraphs of text."""
    meta = ""
    if created is not None:
        stamp = created.isoformat()
        meta = f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    heading = f"<h1>{escape(title)}</h1>" + (f"<h2>{escape(subtitle)}</h2>" if subtitle else "")
    html = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{meta}<style>{SIMPLE_DOCUMENT_CSS}</style></head>"
        f"<body>{heading}{body}</body></html>"
    )
    return render_html_to_pdf(html)


def render_pdf_html(
    template_name: str, context: dict, *, title: str, created: datetime.datetime, lang: str = "de"
) -> str:
    """Render a document template (extending pdf/base.html) to the HTML WeasyPrint converts."""
    stamp = _timestamp(created)
    return render_to_string(
        template_name, {**context, "pdf_title": title, "pdf_created": stamp, "pdf_modified": stamp, "pdf_lang": lang}
    )


def html_to_pdf(html: str) -> bytes:
    """Convert document HTML from render_pdf_html to tagged PDF/A-3a bytes with embedded fonts."""
    stylesheet, _digest = _stylesheet()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_url_fetcher())
    return document.write_pdf(
        stylesheets=[stylesheet],
        font_config=_font_config(),
        pdf_variant=DOCUMENT_PDF_VARIANT,
        uncompressed_pdf=False,
        # The file identifier is a hash of the PDF's content, not a random number.
        pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    )


def render_pdf(template_name: str, context: dict, *, title: str, created: datetime.datetime, lang: str = "de") -> bytes:
    """Render a document template to PDF/A bytes; the same data gives the same bytes."""
    return html_to_pdf(render_pdf_html(template_name, context, title=title, created=created, lang=lang))


def cached_render_pdf(
    template_name: str, context: dict, *, title: str, created: datetime.datetime, lang: str = "de"
) -> bytes:
    """Like render_pdf, but served from the PDF cache when the same HTML was rendered before."""
    html = render_pdf_html(template_name, context, title=title, created=created, lang=lang)
    return cached_pdf((html,), lambda: html_to_pdf(html))


def cache_key(key_parts: tuple) -> str:
    """The SHA-256 of the key parts, the print stylesheet and the WeasyPrint version."""
    digest = hashlib.sha256()
    for part in (*key_parts, _stylesheet()[1], weasyprint.__version__, DOCUMENT_PDF_VARIANT):
        data = part if isinstance(part, bytes) else str(part).encode()
        # Length-prefixed, so that ("ab", "c") and ("a", "bc") are different keys.
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def cache_name(key_parts: tuple) -> str:
    return f"{CACHE_FOLDER}/{cache_key(key_parts)}.pdf"


def cached_pdf(key_parts: tuple, render: Callable[[], bytes]) -> bytes:
    """Return the PDF stored for these key parts, or call `render` and store what it returns.

    The key parts must hold everything the PDF depends on (cached_render_pdf passes the
    rendered HTML). Files live in Django's default storage under pdf-cache/, so the cache is
    shared by all app servers once the storage is S3.
    """
    name = cache_name(key_parts)
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    data = render()
    stored = default_storage.save(name, ContentFile(data))
    if stored != name:
        # Another process rendered the same document meanwhile; its copy has identical bytes.
        default_storage.delete(stored)
    return data


def versioned_pdf(key_parts: tuple, render: Callable[[], bytes]) -> str:
    """The storage name of the PDF of an object's version, rendered by `render` only if missing.

    The key parts name the document, its audience and the object's version (e.g. from
    `resolutions.queries.public_paper_version`), so a request finds its file without
    rendering anything; the print stylesheet and WeasyPrint's version join the key as in
    `cached_pdf`.
    """
    name = cache_name(("versioned", *key_parts))
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(render()))
        if stored != name:
            default_storage.delete(stored)
    return name


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page, for search."""
    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages).strip()


def _timestamp(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
        return moment.replace(microsecond=0).isoformat()
    return moment.isoformat()
