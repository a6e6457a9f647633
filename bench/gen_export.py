#!/usr/bin/env python3
"""Write a large, deterministic WordPress export (WXR 1.2) for timing `huddle import`.

Each post has Gutenberg block comments, paragraphs with emphasis and links to
other posts (by URL and by ?p=), a list, a [caption] picture, categories that
map onto huddle's vocabulary and tags that do not. Standard library only.

    python3 bench/gen_export.py --posts 10000 --out /tmp/big.xml
"""

import argparse
import random
from xml.sax.saxutils import escape

WORDS = (
    "team trust feedback meeting level pooled sequential reciprocal coach "
    "manager listen plan handover rhythm retrospective priority decision "
    "openness sensitivity follow-up agenda outcome blocker dependency"
).split()

CATEGORIES = [
    ("Pooled", "pooled"),
    ("Sequential", "sequential"),
    ("Level 3", "level-3"),
    ("Constructive Feedback", "constructive-feedback"),
    ("Meeting hygiene", "meeting-hygiene"),
    ("Openness", "openness"),
]
TAGS = [("Remote work", "remote-work"), ("Book notes", "book-notes"), ("Hiring", "hiring")]


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    words[0] = words[0].capitalize()
    i = rng.randrange(len(words))
    words[i] = f"<em>{words[i]}</em>"
    return " ".join(words) + "."


def body(rng, i, posts, words):
    parts = []
    written = 0
    while written < words:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.3 and posts > 1:
            other = rng.randint(1, posts)
            para += f' See <a href="https://coach.example.com/p{other}/">post {other}</a>.'
        if rng.random() < 0.1 and posts > 1:
            para += f' Or <a href="/?p={rng.randint(1, posts)}">this one</a>.'
        parts.append(f"<!-- wp:paragraph -->\n<p>{para}</p>\n<!-- /wp:paragraph -->")
        written += len(para.split())
        if rng.random() < 0.15:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(2, 5)))
            parts.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
    if i % 5 == 0:
        parts.insert(
            1,
            f'[caption id="attachment_{i}" align="aligncenter" width="300"]'
            f'<img src="https://coach.example.com/wp-content/uploads/2024/01/p{i}-300x200.jpg" '
            f'alt="A whiteboard after meeting {i}" width="300" height="200" /> The board after meeting {i}[/caption]',
        )
    return "\n\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--words", type=int, default=800, help="words per post, about")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench Coaching</title>\n<link>https://coach.example.com</link>\n"
            "<description>Generated for timing imports</description>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://coach.example.com</wp:base_site_url>\n"
            "<wp:base_blog_url>https://coach.example.com</wp:base_blog_url>\n"
        )
        for n, (name, slug) in enumerate(CATEGORIES, 1):
            f.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>\n"
            )
        for n, (name, slug) in enumerate(TAGS, 100):
            f.write(
                f"<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
                f"<wp:tag_name><![CDATA[{name}]]></wp:tag_name></wp:tag>\n"
            )
        for i in range(1, a.posts + 1):
            day = 1 + i % 28
            month = 1 + (i // 28) % 12
            year = 2015 + (i // 336) % 10
            date = f"{year}-{month:02d}-{day:02d} 08:{i % 60:02d}:00"
            title = f"Post {i}: " + " ".join(rng.choice(WORDS) for _ in range(4))
            cats = rng.sample(CATEGORIES, 2)
            tag = rng.choice(TAGS)
            terms = "".join(
                f'<category domain="category" nicename="{s}"><![CDATA[{nm}]]></category>' for nm, s in cats
            ) + f'<category domain="post_tag" nicename="{tag[1]}"><![CDATA[{tag[0]}]]></category>'
            f.write(
                f"<item><title>{escape(title)}</title><link>https://coach.example.com/p{i}/</link>"
                f"<dc:creator><![CDATA[coach]]></dc:creator>"
                f"<content:encoded><![CDATA[{body(rng, i, a.posts, a.words)}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{i}</wp:post_id><wp:post_date><![CDATA[{date}]]></wp:post_date>"
                f"<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>"
                f"<wp:post_name><![CDATA[p{i}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
                f"<wp:post_parent>0</wp:post_parent><wp:post_type><![CDATA[post]]></wp:post_type>"
                f"{terms}</item>\n"
            )
        f.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
