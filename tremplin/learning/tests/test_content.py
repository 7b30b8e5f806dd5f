import pytest

from tremplin.learning.content import render_markdown, video_embed_url


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<img src="x.png" onerror="alert(1)">',
        '<p onclick="alert(1)">hi</p>',
        '<iframe src="https://evil.example.org"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_unsafe_markdown_is_neutralised(markdown):
    html = render_markdown(f"Before\n\n{markdown}\n\nAfter").lower()
    for danger in (
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "<iframe",
        "data:text",
        "<style",
    ):
        assert danger not in html
    assert "before" in html and "after" in html


def test_safe_markdown_keeps_its_structure():
    html = render_markdown(
        "## Title\n\n- **bold** item\n- [Job Bank](https://www.jobbank.gc.ca)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert (
        'href="https://www.jobbank.gc.ca"' in html and 'rel="noopener noreferrer nofollow"' in html
    )
    assert "<table>" in html


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=abc123XYZ_-",
            "https://www.youtube-nocookie.com/embed/abc123XYZ_-",
        ),
        ("https://youtu.be/abc123", "https://www.youtube-nocookie.com/embed/abc123"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("http://www.youtube.com/watch?v=abc", ""),
        ("https://www.youtube.com/watch?v=a%22onload%3D", ""),
        ("https://media.example.org/video.mp4", ""),
    ],
)
def test_video_embed_urls(url, embed):
    assert video_embed_url(url) == embed
