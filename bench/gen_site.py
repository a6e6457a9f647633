#!/usr/bin/env python3
"""Write a deterministic synthetic huddle site for benchmarking.

    python3 bench/gen_site.py --articles N --out DIR [--seed S]

The same N and seed always give byte-identical files. The layout is:

    DIR/.bench-site                  marker: DIR may be replaced by this script
    DIR/site.toml                    title + base_url
    DIR/content/_index.md            home
    DIR/content/articles/_index.md   articles section
    DIR/content/articles/a-<i>-<words>.md   i = 1..N, about 1,000 words each

Each article has YAML front matter (title, date, description, level,
attitudes, practices) and a Markdown body: ## and ### headings, paragraphs
with *emphasis*, **strong** and `code`, bullet and numbered lists, a
blockquote, a task list in about half of the articles, a table in about a
third of them, and 2-4 links to other articles of the same site written as
relative paths (`[text](a-12-plan-the-handoff.md)`).

If DIR already exists, it is deleted and rewritten only when it holds the
`.bench-site` marker (or is empty); any other existing path is refused.

Standard library only.
"""

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys

MARKER = ".bench-site"
SITE_TITLE = "Bench"
BASE_URL = "https://bench.example.org"

LEVELS = ["pooled", "sequential", "reciprocal"]
ATTITUDES = ["respect", "openness", "sensitivity"]
PRACTICES = [
    "effective-listening",
    "constructive-feedback",
    "exploring-what-and-why",
    "collaborative-next-steps",
    "follow-up",
    "meeting-hygiene",
]

# Word list. Nouns are singular; plural() adds the ending.
NOUNS = """
agenda action owner note summary question silence pause story example
concern request promise commitment stand-up one-on-one workshop check-in
kickoff debrief milestone roadmap ticket release incident handover timeline
budget contract customer stakeholder sponsor newcomer mentor facilitator
listener speaker room calendar whiteboard notebook thread message reply
comment proposal draft outline template ritual routine signal pattern
misunderstanding disagreement interruption tangent detail context goal
purpose constraint tradeoff option experiment lesson insight habit boundary
workload capacity rota shift sprint quarter week morning afternoon
""".split()

VERBS = """
hear notice clarify paraphrase summarise acknowledge invite welcome
interrupt postpone capture record share circulate confirm revisit review
name frame reframe question probe explore test compare weigh prioritise
agree decide assign delegate escalate follow close open schedule shorten
prepare rehearse observe reflect adjust repeat protect respect
""".split()

ADJECTIVES = """
clear concrete specific vague open honest careful quiet loud brief long
shared private recurring weekly monthly remote hybrid in-person new senior
junior busy calm tense friendly formal informal explicit implicit useful
awkward productive unfinished overdue urgent small early late focused
candid patient steady curious respectful sensitive
""".split()

ADVERBS = """
gently briefly openly quietly early afterwards together carefully honestly
deliberately patiently explicitly regularly rarely usually first again
""".split()

PEOPLE = [
    "the team", "the manager", "the coach", "each participant", "every speaker",
    "the newcomer", "the facilitator", "the client", "the sponsor",
    "the lead", "the group", "a new hire", "the note-taker",
]

PREPOSITIONS = """
before after during within without around about across between into
""".split()

DETERMINERS = ["the", "each", "every", "one", "this", "that", "our", "their"]

SENTENCE_PATTERNS = [
    "{Who} should {verb} the {noun} {prep} the {noun2}.",
    "When {who} {verb3} {a_adj} {noun}, the {noun2} becomes {adj2}.",
    "A {adj} {noun} is easier to {verb} than {a_adj2} {noun2}.",
    "{Adv}, {who} can {verb} {det} {noun} and {verb2} the {noun2}.",
    "It helps to {verb} {det} {noun} {prep} {det2} {noun2}, {adv}.",
    "Most {noun_pl} start {adj} and end {adj2} {prep} the {noun2}.",
    "If the {noun} stays {adj}, {who} will {verb} it {adv}.",
    "Ask {who} to {verb} the {noun} in one {adj} sentence.",
    "{Who} often forgets to {verb} the {noun} {prep} {det} {noun2}.",
    "The {adj} {noun} is not {a_noun2}; it is {a_adj2} {noun3}.",
    "Nobody needs {a_adj} {noun} to {verb} {det} {noun2}.",
    "Why does the {noun} keep {verb_ing} {prep} the {noun2}?",
    "Try to {verb} {adv} and let {who} {verb2} the {noun}.",
    "{Det} {noun} that nobody {verb3} turns into {a_adj} {noun2}.",
    "Write down what {who} said about the {noun}, then {verb} it {adv}.",
]

TITLE_PATTERNS = [
    "{Verb} the {noun} before the {noun2}",
    "{Adj} {noun_pl} for {level} teams",
    "What a {adj} {noun} tells {who}",
    "When {who} stops {verb_ing}",
    "The {noun} nobody {verb3}",
    "{Verb_ing} {noun_pl} in a {adj} {noun2}",
    "Why {level} work needs {a_adj} {noun}",
    "From {noun} to {noun2}: {verb_ing} {adv}",
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
NOUN_SET = frozenset(NOUNS)


# ------------------------------------------------------------------ words

def plural(n):
    if n.endswith(("s", "sh", "ch", "x")):
        return n + "es"
    if n.endswith("y") and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    return n + "s"


def third_person(v):
    if v.endswith(("s", "sh", "ch", "x", "o")):
        return v + "es"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def gerund(v):
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    # a few one-syllable consonant-vowel-consonant verbs
    if v in ("stop", "plan", "sit", "run", "set", "put", "get"):
        return v + v[-1] + "ing"
    return v + "ing"


def article_for(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def cap(s):
    return s[0].upper() + s[1:]


def slugify(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def fill(rng, pattern, level=None):
    """Fill the placeholders of a sentence or title pattern."""
    noun, noun2, noun3 = rng.sample(NOUNS, 3)
    verb, verb2 = rng.sample(VERBS, 2)
    adj, adj2 = rng.sample(ADJECTIVES, 2)
    who = rng.choice(PEOPLE)
    adv = rng.choice(ADVERBS)
    det, det2 = rng.choice(DETERMINERS), rng.choice(DETERMINERS)
    values = {
        "noun": noun, "noun2": noun2, "noun3": noun3, "noun_pl": plural(noun),
        "a_noun2": article_for(noun2),
        "verb": verb, "verb2": verb2, "verb3": third_person(verb),
        "verb_ing": gerund(verb), "Verb": cap(verb), "Verb_ing": cap(gerund(verb)),
        "adj": adj, "adj2": adj2, "Adj": cap(adj),
        "a_adj": article_for(adj), "a_adj2": article_for(adj2),
        "who": who, "Who": cap(who), "adv": adv, "Adv": cap(adv),
        "det": det, "det2": det2, "Det": cap(det), "prep": rng.choice(PREPOSITIONS),
        "level": level or rng.choice(LEVELS),
    }
    return pattern.format(**values)


def decorate(rng, sentence):
    """Put *emphasis* or **strong** on 0-2 single words of a sentence, or mark
    a noun as `code`."""
    words = sentence.split(" ")
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
        code = rng.random() < 0.3
        if code:
            nouns = [k for k, w in enumerate(words) if w.rstrip(".,;?!:") in NOUN_SET]
            if not nouns:
                continue
            i = rng.choice(nouns)
        else:
            i = rng.randrange(len(words))
        w = words[i]
        core = w.rstrip(".,;?!:")
        tail = w[len(core):]
        if not core or core[0] in "*`[":
            continue
        if code:
            words[i] = "`%s`%s" % (core, tail)
        elif rng.random() < 0.65:
            words[i] = "*%s*%s" % (core, tail)
        else:
            words[i] = "**%s**%s" % (core, tail)
    return " ".join(words)


def sentence(rng, markup=True):
    s = fill(rng, rng.choice(SENTENCE_PATTERNS))
    return decorate(rng, s) if markup else s


def short_phrase(rng):
    """A bullet or task item: a short imperative phrase."""
    s = "%s %s %s %s" % (cap(rng.choice(VERBS)), rng.choice(DETERMINERS),
                         rng.choice(ADJECTIVES), rng.choice(NOUNS))
    if rng.random() < 0.5:
        s += " %s the %s" % (rng.choice(PREPOSITIONS), rng.choice(NOUNS))
    return decorate(rng, s)


# ------------------------------------------------------------------ site model

class Article:
    __slots__ = ("num", "slug", "title", "date", "description", "level",
                 "attitudes", "practices", "links")


def plan_articles(n, seed):
    """Titles, slugs, front matter and link targets for every article."""
    rng = random.Random("plan:%d" % seed)
    start = dt.date(2019, 1, 1)
    arts = []
    for i in range(1, n + 1):
        a = Article()
        a.num = i
        a.level = rng.choice(LEVELS)
        a.title = fill(rng, rng.choice(TITLE_PATTERNS), a.level)
        words = slugify(a.title).split("-")[:5]
        a.slug = "a-%d-%s" % (i, "-".join(words))
        a.date = start + dt.timedelta(days=rng.randrange(7 * 365))
        a.description = sentence(rng, markup=False)
        a.attitudes = sorted(rng.sample(ATTITUDES, rng.randint(1, 3)), key=ATTITUDES.index)
        a.practices = sorted(rng.sample(PRACTICES, rng.randint(1, 3)), key=PRACTICES.index)
        k = min(rng.randint(2, 4), n - 1)
        targets = []
        while len(targets) < k:
            j = rng.randrange(n)
            if j != i - 1 and j not in targets:
                targets.append(j)
        a.links = targets
        arts.append(a)
    return arts


# ------------------------------------------------------------------ body

def paragraph(rng, lo=3, hi=6, link=None):
    sents = [sentence(rng) for _ in range(rng.randint(lo, hi))]
    if link is not None:
        text, href = link
        pos = rng.randint(1, len(sents))
        sents.insert(pos, rng.choice([
            "See [%s](%s) for a longer example." % (text, href),
            "This is close to what [%s](%s) describes." % (text, href),
            "We covered the opposite case in [%s](%s)." % (text, href),
            "Compare it with [%s](%s)." % (text, href),
        ]))
    return " ".join(sents) + "\n\n"


def bullets(rng):
    items = [short_phrase(rng) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.3:
        return "".join("%d. %s\n" % (k + 1, it) for k, it in enumerate(items)) + "\n"
    return "".join("- %s\n" % it for it in items) + "\n"


def task_list(rng):
    lines = []
    for _ in range(rng.randint(3, 7)):
        mark = "x" if rng.random() < 0.3 else " "
        lines.append("- [%s] %s\n" % (mark, short_phrase(rng)))
    return "### Checklist\n\n" + "".join(lines) + "\n"


def table(rng):
    rows = ["| Item | Owner | When |", "| --- | --- | --- |"]
    for _ in range(rng.randint(3, 6)):
        rows.append("| %s %s | %s | %s |" % (
            cap(rng.choice(VERBS)), rng.choice(NOUNS), cap(rng.choice(PEOPLE)),
            rng.choice(WEEKDAYS + ["weekly", "next sprint", "after the review"])))
    return "\n".join(rows) + "\n\n"


def blockquote(rng):
    lines = [sentence(rng) for _ in range(rng.randint(1, 3))]
    return "".join("> %s\n" % ln for ln in lines) + "\n"


def heading(rng):
    return "%s %s %s the %s" % (cap(rng.choice(ADJECTIVES)), plural(rng.choice(NOUNS)),
                                rng.choice(PREPOSITIONS), rng.choice(NOUNS))


def body(a, arts, seed):
    rng = random.Random("body:%d:%d" % (seed, a.num))
    target_words = rng.randint(850, 1050)
    links = [(arts[j].title, arts[j].slug + ".md") for j in a.links]
    extras = ["quote"]
    if rng.random() < 0.5:
        extras.append("tasks")
    if rng.random() < 0.33:
        extras.append("table")
    rng.shuffle(extras)

    parts = [paragraph(rng, 2, 4)]
    words = len(parts[0].split())
    while words < target_words or extras or links:
        sec = ["## %s\n\n" % heading(rng)]
        for _ in range(rng.randint(1, 2)):
            sec.append(paragraph(rng, link=links.pop() if links else None))
        if rng.random() < 0.4:
            sec.append("### %s\n\n" % heading(rng))
            sec.append(paragraph(rng, 2, 4))
        if rng.random() < 0.45:
            sec.append(bullets(rng))
        if extras:
            kind = extras.pop()
            sec.append({"quote": blockquote, "tasks": task_list, "table": table}[kind](rng))
        parts.extend(sec)
        words += sum(len(p.split()) for p in sec)
    return "".join(parts).rstrip("\n") + "\n"


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(a):
    return (
        "---\n"
        "title: %s\n"
        "date: %s\n"
        "description: %s\n"
        "level: %s\n"
        "attitudes: [%s]\n"
        "practices: [%s]\n"
        "---\n\n"
    ) % (yaml_str(a.title), a.date.isoformat(), yaml_str(a.description), a.level,
         ", ".join(a.attitudes), ", ".join(a.practices))


# ------------------------------------------------------------------ output

def prepare_out(out):
    """Create an empty DIR, replacing it only if it is one of ours."""
    if os.path.islink(out):
        sys.exit("gen_site: refusing to use %s: it is a symbolic link" % out)
    if os.path.exists(out):
        if not os.path.isdir(out):
            sys.exit("gen_site: refusing to replace %s: not a directory" % out)
        if os.path.isfile(os.path.join(out, MARKER)):
            shutil.rmtree(out)
        elif os.listdir(out):
            sys.exit("gen_site: refusing to replace %s: it exists and has no %s marker "
                     "(it was not written by gen_site.py)" % (out, MARKER))
    os.makedirs(os.path.join(out, "content", "articles"), exist_ok=True)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Write a deterministic synthetic huddle site for benchmarking.")
    ap.add_argument("--articles", type=int, required=True, metavar="N",
                    help="number of articles (at least 1)")
    ap.add_argument("--out", required=True, metavar="DIR",
                    help="site folder to write (replaced only if it has a %s marker)" % MARKER)
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")

    out = args.out
    prepare_out(out)
    # The marker goes first, so a half-written site can still be replaced.
    write(os.path.join(out, MARKER),
          "written by bench/gen_site.py --articles %d --seed %d\n" % (args.articles, args.seed))
    write(os.path.join(out, "site.toml"),
          'title = "%s"\nbase_url = "%s"\n' % (SITE_TITLE, BASE_URL))
    write(os.path.join(out, "content", "_index.md"), "---\ntitle: Home\n---\n")
    write(os.path.join(out, "content", "articles", "_index.md"),
          "---\ntitle: Articles\n---\n")

    arts = plan_articles(args.articles, args.seed)
    total_words = 0
    total_bytes = 0
    for a in arts:
        text = front_matter(a) + body(a, arts, args.seed)
        total_words += len(text.split())
        total_bytes += len(text.encode("utf-8"))
        write(os.path.join(out, "content", "articles", a.slug + ".md"), text)
    print("gen_site: %s: %d articles, %d words (avg %d), %.1f MB, seed %d"
          % (out, len(arts), total_words, total_words // len(arts),
             total_bytes / 1e6, args.seed), file=sys.stderr)


if __name__ == "__main__":
    main()
