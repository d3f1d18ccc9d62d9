#!/usr/bin/env python3
"""Synthetic corpus generator for healthdex scale benchmarks.

Writes Markdown articles that look like health articles, in the numbers needed to
test indexing and search at scale (up to millions of sections):

* vocabulary: ~50,000 pronounceable pseudo-words, ~300 real health words and ~90
  multi-word health terms ("blood pressure", "type 2 diabetes"), plus ~90 English
  function words at the top ranks ("the", "of", ...) so that, as in real prose, the
  most frequent tokens are stop words;
* body words drawn from a Zipf distribution (exponent 1.1 by default) over that
  ranked vocabulary; sentences of 8-25 words, paragraphs of 2-6 sentences;
* articles of 3-12 sections (mean ~5.3): the intro under the H1 title, H2 sections
  with some H3 subsections, and a final "## References" section of 2-6 entries in
  APA or Vancouver style with synthetic journals and DOIs under 10.5555;
* YAML front matter (title, description, date, tags from a pool of 50, authors
  from a pool of 200), occasional bullet/numbered lists and tables;
* articles in folders of 1,000 files (part-0000/, part-0001/, ...).

A "section" is counted the way healthdex counts them: the title and intro form one
section, every H2 and H3 starts one, and so does the References heading. The
corpus holds exactly --sections sections.

Output is deterministic for a given --seed, whatever --jobs is: each folder has its
own random stream derived from the seed. Articles are streamed to disk folder by
folder; memory stays small whatever the size.

When done, a hidden stamp file OUT/.generated.json records the seed, the counts and
a hash of this script; run.sh uses it to reuse a corpus (healthdex skips hidden
files).

Usage:
  generate.py --sections 100000 --out DIR [--seed 1] [--jobs N] [--clean]
  generate.py --queries FILE [--seed 1]      # the benchmark query list, one per line

Standard library only.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import sys
import time

GENERATOR_VERSION = 1
ARTICLES_PER_FOLDER = 1000
STAMP = ".generated.json"

# ---------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------

# Ranked first: the bulk of real English running text. Most are stop words that
# healthdex drops at indexing time.
FUNCTION_WORDS = """
the of and to in a is that for it as with was on be by are this or at from can may
which their have has not more some these than other such also been an into when
most who after about but they there between during while both each many those often
only where however because without through over very how we our your you should no
if what were its do does found one two three them all any most less because if
""".split()

# Real health vocabulary, single words.
HEALTH_WORDS = """
abdominal absorption acid acne adolescents adults adverse ageing alcohol allergen
allergies allergy anaemia antibiotic antibiotics antibodies antihistamine
antioxidant antioxidants anxiety appetite arthritis artery asthma atopic autoimmune
bacteria bacterial barrier bifidobacterium biomarker biopsy bladder bloating blood
bone bowel brain breastfeeding butyrate caffeine calcium calories cancer candida
capsule carbohydrates cardiac cardiovascular cells children cholesterol chronic
circulation clinical coeliac cognitive cohort colitis collagen colon complications
constipation contagious cortisol cramps cream cytokines dairy deficiency
dehydration dementia depression dermatitis dermatologist diabetes diagnosis
diagnostic diarrhoea diet dietary dietitian digestion digestive disease dizziness
dosage dose dysbiosis eczema elderly emollient endoscopy enzyme enzymes
epidemiology epidermis exercise fasting fatigue fermented fermentation fever fibre
flare flora folate fructose fungal gastritis gastroenterologist genetic gingivitis
glucose gluten glycaemic guidelines gut haemoglobin headache health heart histamine
hives hormonal hormones hydration hydrocortisone hygiene hypertension
hypoallergenic ibuprofen immune immunity immunotherapy incidence infant infants
infection inflammation inflammatory ingredients injection insomnia insulin
intestinal intestine intolerance iron irritation itching kefir kidney lactobacillus
lactose laxative legumes lesions lifestyle lipid liver longevity lymph magnesium
malabsorption medication medications meditation melatonin menopause metabolism
metformin microbes microbial microbiome microbiota migraine mindfulness minerals
moisturiser mood mortality mouth mucosa muscle nausea nerve neurological nutrients
nutrition nutritional obesity oedema ointment omega oral osteoporosis paediatric
pain pancreas paracetamol pathogen pathogens patients permeability pharmacist
physician physiotherapy placebo plaque plasma pollen polyphenols postbiotics
potassium prebiotic prebiotics pregnancy prescription prevalence prevention
probiotic probiotics protein psoriasis psyllium pulse randomised rash receptor
recovery rehabilitation remission respiratory rheumatoid risk rosacea saliva scalp
screening sebum sensitivity serotonin serum skin skincare sleep smoking sodium
spinal steroids stomach stool stress stroke sugar sunscreen supplement supplements
surgery swelling symptom symptoms synbiotics syndrome tablet therapy thyroid tissue
tolerance topical toxins transplant treatment treatments trial triggers ulcer
ultraviolet urinary vaccine vegetables viral virus vitamin vitamins weight
wellbeing wholegrain wound wrinkles yeast yoghurt zinc inulin sauerkraut kimchi
miso tempeh oats barley lentils beans broccoli garlic onions berries walnuts
salmon olive turmeric ginger cinnamon green tea cocoa honey nuts seeds
""".split()

# Real health terms of several words: they give phrase queries something to find.
HEALTH_PHRASES = [
    "blood pressure", "blood sugar", "gut microbiome", "gut health", "immune system",
    "type 2 diabetes", "type 1 diabetes", "atopic dermatitis", "irritable bowel syndrome",
    "short chain fatty acids", "vitamin d", "vitamin b12", "skin barrier", "leaky gut",
    "fermented foods", "dietary fibre", "heart disease", "side effects", "clinical trial",
    "randomised controlled trial", "systematic review", "mental health", "weight loss",
    "physical activity", "red meat", "whole grains", "saturated fat", "insulin resistance",
    "low fodmap diet", "healthy adults", "sun exposure", "topical steroids",
    "food allergy", "lactose intolerance", "coeliac disease", "inflammatory bowel disease",
    "ulcerative colitis", "acid reflux", "heart rate", "cholesterol levels", "blood tests",
    "sleep quality", "stress hormones", "gut bacteria", "gut barrier", "oral health",
    "chronic inflammation", "immune response", "bone density", "kidney function",
    "liver disease", "omega 3 fatty acids", "mediterranean diet", "processed foods",
    "added sugar", "body weight", "waist circumference", "hand eczema", "contact dermatitis",
    "skin microbiome", "hair loss", "dry skin", "itchy skin", "bowel movements",
    "abdominal pain", "stomach ache", "food poisoning", "antibiotic resistance",
    "faecal transplant", "breast milk", "early life", "older adults", "public health",
    "risk factors", "quality of life", "daily intake", "recommended dose",
    "general practitioner", "emergency department", "observational studies",
    "mouse studies", "small intestine", "large intestine", "bile acids", "uric acid",
    "blood glucose", "fasting glucose", "heart failure", "atrial fibrillation",
    "sleep apnoea", "night sweats", "hot flushes",
]

# Misspellings of real health words, for the spelling-correction query.
MISSPELLINGS = {"diabetes": "diabetis", "eczema": "exzema", "probiotics": "probiotcs"}

# Health words given the very top content ranks (they are frequent in real articles).
CORE_HEALTH = """
health symptoms treatment skin gut diet risk patients disease blood clinical
inflammation bacteria diabetes eczema probiotics nutrition immune chronic sleep
""".split()

TAGS = """
gut-health nutrition skin microbiome diet eczema acne diabetes heart-health
cardiovascular sleep mental-health stress probiotics prebiotics fermented-foods fibre
allergies asthma immunity ageing women-health men-health children pregnancy
menopause weight exercise hydration vitamins supplements inflammation
digestive-health ibs coeliac food-intolerance dermatology psoriasis rosacea
sun-protection oral-health kidney liver thyroid hormones migraine pain
evidence-review guidelines myths-and-facts
""".split()

FIRST_NAMES = """
Priya Daniel Amara Tomasz Sofia Kwame Hannah Mateo Aisha Lukas Mei Oliver Fatima
Jonas Elena Samuel Chloe Rafael Ingrid Hiroshi Nadia Patrick Leila Marcus Yuki
Grace Omar Clara Ravi Isla Felix Zanele Anna Diego Noor Erik Maya Tariq Rosa Ben
""".split()
CREDENTIALS = ["", "", "", "", ", RD", ", MD", ", PhD", ", MSc", ", RN", ", PharmD"]

FIELDS = [
    "Medicine", "Nutrition", "Dermatology", "Gastroenterology", "Microbiology",
    "Cardiology", "Endocrinology", "Immunology", "Paediatrics", "Public Health",
    "Clinical Research", "Epidemiology", "Dietetics", "Allergy", "Physiology",
]
FIELD_ABBREV = {
    "Medicine": "Med", "Nutrition": "Nutr", "Dermatology": "Dermatol",
    "Gastroenterology": "Gastroenterol", "Microbiology": "Microbiol",
    "Cardiology": "Cardiol", "Endocrinology": "Endocrinol", "Immunology": "Immunol",
    "Paediatrics": "Paediatr", "Public Health": "Public Health",
    "Clinical Research": "Clin Res", "Epidemiology": "Epidemiol", "Dietetics": "Diet",
    "Allergy": "Allergy", "Physiology": "Physiol",
}

ONSETS = ("b c d f g h j k l m n p r s t v w z b d k l m n p r s t "
          "br bl cr dr fl gr pl pr st tr ch sh th").split()
NUCLEI = "a e i o u a e i o u a e i o ai ea io ou".split()
CODAS = ["", "", "", "", "", "", "n", "r", "s", "l", "m", "t", "x", "nd", "st", "rk", "ng"]


# ---------------------------------------------------------------------------
# Vocabulary (built identically, from the seed, in every process)
# ---------------------------------------------------------------------------

class Vocab:
    """The ranked vocabulary and everything derived from it."""

    def __init__(self, seed: int, pseudo_words: int, exponent: float):
        rng = random.Random(f"healthdex-scale-vocab:{seed}")
        real = set(FUNCTION_WORDS) | set(HEALTH_WORDS)
        for phrase in HEALTH_PHRASES:
            real.update(phrase.split())
        real.update(MISSPELLINGS.values())

        pseudo: list[str] = []
        seen: set[str] = set()
        while len(pseudo) < pseudo_words:
            n = rng.choices((2, 3, 4), weights=(45, 40, 15))[0]
            word = "".join(
                rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(n)
            )
            if word in seen or word in real or len(word) > 16:
                continue
            seen.add(word)
            pseudo.append(word)
        self.pseudo = pseudo

        # Content ranks: pseudo-word i has key i; health terms are spread over the
        # ranks log-uniformly so some are frequent and some rare.
        health_terms = sorted(set(HEALTH_WORDS) | set(HEALTH_PHRASES))
        keyed = [(float(i), 1, w) for i, w in enumerate(pseudo)]
        core = set(CORE_HEALTH)
        for i, term in enumerate(CORE_HEALTH):
            keyed.append((i * 4.0 + 0.5, 0, term))
        for term in health_terms:
            if term in core:
                continue
            keyed.append((math.exp(rng.uniform(math.log(20), math.log(30000))), 0, term))
        keyed.sort()
        content = [w for _, _, w in keyed]

        function = list(dict.fromkeys(FUNCTION_WORDS))
        self.words = function + content  # rank order
        self.n_function = len(function)
        self.rank = {w: r + 1 for r, w in enumerate(self.words)}
        weights = [(r + 1) ** -exponent for r in range(len(self.words))]
        self.cum = list(itertools.accumulate(weights))
        self.content = content
        self.content_cum = list(itertools.accumulate(weights[self.n_function:]))
        self.health_terms = health_terms

        self.surnames = [w.capitalize() for w in rng.sample(pseudo[2000:], 3000)]
        self.authors = []
        for _ in range(200):
            self.authors.append(
                f"{rng.choice(FIRST_NAMES)} {rng.choice(self.surnames)}{rng.choice(CREDENTIALS)}"
            )
        self.journals = []
        for i in range(150):
            word = rng.choice(pseudo[300:8000])
            field = rng.choice(FIELDS)
            cap = word.capitalize()
            ab = cap[:5] if len(cap) > 6 else cap
            kind = i % 5
            if kind == 0:
                self.journals.append((f"Journal of {cap} {field}", f"J {ab} {FIELD_ABBREV[field]}"))
            elif kind == 1:
                self.journals.append((f"{cap} {field} Reviews", f"{ab} {FIELD_ABBREV[field]} Rev"))
            elif kind == 2:
                self.journals.append((f"International Journal of {cap} {field}",
                                      f"Int J {ab} {FIELD_ABBREV[field]}"))
            elif kind == 3:
                self.journals.append((f"Annals of {cap} {field}", f"Ann {ab} {FIELD_ABBREV[field]}"))
            else:
                self.journals.append((f"{cap} {field}", f"{ab} {FIELD_ABBREV[field]}"))

    def rare_words(self, lo: int, hi: int) -> list[str]:
        """Single pseudo-words whose rank lies in [lo, hi)."""
        return [w for w in self.words[lo - 1:hi - 1] if w in self.pseudo_set]

    @property
    def pseudo_set(self) -> set[str]:
        if not hasattr(self, "_pseudo_set"):
            self._pseudo_set = set(self.pseudo)
        return self._pseudo_set


VOCAB: Vocab | None = None
SEED = 0


def init_worker(seed: int, pseudo_words: int, exponent: float) -> None:
    global VOCAB, SEED
    SEED = seed
    VOCAB = Vocab(seed, pseudo_words, exponent)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

def title_case(words: list[str]) -> str:
    small = {"of", "and", "the", "in", "for", "to", "a", "with", "on", "or", "vs"}
    out = []
    for i, w in enumerate(words):
        out.append(w if (i and w in small) else w[:1].upper() + w[1:])
    return " ".join(out)


def content_words(rng: random.Random, k: int) -> list[str]:
    """k draws from the Zipf distribution restricted to content words."""
    return rng.choices(VOCAB.content, cum_weights=VOCAB.content_cum, k=k)


def sentence_lengths(rng: random.Random, n: int) -> list[int]:
    return [8 + int(rng.random() * 18) for _ in range(n)]  # 8..25


def paragraph(rng: random.Random) -> tuple[str, int]:
    """A paragraph of 2-6 sentences; returns the text and its word count."""
    lens = sentence_lengths(rng, 2 + int(rng.random() * 5))
    total = sum(lens)
    words = rng.choices(VOCAB.words, cum_weights=VOCAB.cum, k=total)
    out = []
    i = 0
    rand = rng.random
    for n in lens:
        s = words[i:i + n]
        i += n
        r = rand()
        if n > 12 and r < 0.35:
            j = 3 + int(rand() * (n - 6))
            s[j] = s[j] + ","
        if r < 0.04:
            j = 1 + int(rand() * (n - 1))
            s[j] = "**" + s[j].rstrip(",") + "**"
        elif r > 0.93:
            s.insert(1 + int(rand() * (n - 1)), f"{1 + int(rand() * 99)}{rng.choice(('%', ' mg', ' g', ' weeks', ' per cent'))}")
        first = s[0]
        s[0] = first[:1].upper() + first[1:]
        out.append(" ".join(s) + ("?" if r > 0.985 else "."))
    return " ".join(out), total


def bullet_list(rng: random.Random) -> str:
    numbered = rng.random() < 0.3
    lines = []
    for i in range(3 + int(rng.random() * 4)):
        words = rng.choices(VOCAB.words, cum_weights=VOCAB.cum, k=3 + int(rng.random() * 10))
        words[0] = words[0][:1].upper() + words[0][1:]
        marker = f"{i + 1}." if numbered else "-"
        lines.append(f"{marker} {' '.join(words)}{';' if not numbered else '.'}")
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    cols = 3 + int(rng.random() * 2)
    header = [title_case(content_words(rng, 1 + int(rng.random() * 2))) for _ in range(cols)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * cols]
    for _ in range(3 + int(rng.random() * 3)):
        cells = []
        for c in range(cols):
            if c and rng.random() < 0.3:
                cells.append(f"{rng.randint(1, 500)} {rng.choice(('mg', 'g', '%', 'IU', 'mmol/L'))}")
            else:
                cells.append(" ".join(content_words(rng, 1 + int(rng.random() * 4))))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def heading(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        term = rng.choice(VOCAB.health_terms)
        words = [term] + content_words(rng, 1 + int(rng.random() * 3))
    elif r < 0.35:
        words = ["how"] + content_words(rng, 1) + ["affects", rng.choice(VOCAB.health_terms)]
    elif r < 0.45:
        words = ["what", "is"] + content_words(rng, 1 + int(rng.random() * 2))
        return title_case(" ".join(words).split()) + "?"
    else:
        words = content_words(rng, 2 + int(rng.random() * 4))
    return title_case(" ".join(words).split())


def article_title(rng: random.Random) -> str:
    a = rng.choice(VOCAB.health_terms)
    b = rng.choice(VOCAB.health_terms)
    w = content_words(rng, 3)
    form = rng.random()
    if form < 0.3:
        words = f"{a}: {w[0]} {w[1]} and {b}".split()
    elif form < 0.5:
        words = f"what to know about {a} and {w[0]}".split()
    elif form < 0.7:
        words = f"{a} and {b}: {w[0]} {w[1]} {w[2]}".split()
    elif form < 0.85:
        words = f"how {w[0]} affects {a}".split()
    else:
        words = f"{w[0]} {w[1]} for {a}".split()
    return title_case(words)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")


def initials(rng: random.Random, dotted: bool) -> str:
    letters = "ABCDEFGHJKLMNPRSTW"
    n = 1 if rng.random() < 0.5 else 2
    chosen = [rng.choice(letters) for _ in range(n)]
    return " ".join(c + "." for c in chosen) if dotted else "".join(chosen)


def reference(rng: random.Random, apa: bool, number: int, doi_id: str) -> str:
    n_auth = rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(15, 20, 20, 15, 10, 10, 10))[0]
    surnames = rng.sample(VOCAB.surnames, n_auth)
    year = rng.randint(1985, 2025)
    title_words = content_words(rng, 5 + int(rng.random() * 10))
    pos = int(rng.random() * len(title_words))
    title_words.insert(pos, rng.choice(VOCAB.health_terms))
    title = " ".join(title_words)
    title = title[:1].upper() + title[1:]
    journal, abbrev = rng.choice(VOCAB.journals)
    volume = rng.randint(1, 120)
    issue = rng.randint(1, 12)
    first = rng.randint(1, 2400)
    last = first + rng.randint(2, 25)
    doi = f"10.5555/synthetic.{doi_id}" if rng.random() < 0.6 else ""
    if apa:
        names = [f"{s}, {initials(rng, True)}" for s in surnames]
        if len(names) == 1:
            who = names[0]
        else:
            who = ", ".join(names[:-1]) + ", & " + names[-1]
        text = f"- {who} ({year}). {title}. *{journal}, {volume}*({issue}), {first}–{last}."
        if doi:
            text += f" https://doi.org/{doi}"
        return text
    names = [f"{s} {initials(rng, False)}" for s in surnames]
    if len(names) > 6:
        names = names[:6] + ["et al"]
    text = f"{number}. {', '.join(names)}. {title}. {abbrev}. {year};{volume}({issue}):{first}-{last}."
    if doi:
        text += f" doi:{doi}"
    return text


def article(rng: random.Random, index: int, n_sections: int) -> str:
    """One article with exactly n_sections sections (intro + bodies + references)."""
    title = article_title(rng)
    year = rng.randint(2012, 2025)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    tags = rng.sample(TAGS, 1 + int(rng.random() * 5))
    authors = rng.sample(VOCAB.authors, rng.choices((1, 2, 3), weights=(60, 30, 10))[0])
    desc, _ = paragraph(rng)
    desc = desc.split(". ")[0].rstrip(".") + "."

    out = ["---", f'title: "{title}"', f'description: "{desc}"', "authors:"]
    out.extend(f"  - {a}" for a in authors)
    out.append(f"date: {date}")
    if rng.random() < 0.3:
        out.append(f"updated: {min(year + 1, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    out.append("tags: [" + ", ".join(f'"{t}"' for t in tags) + "]")
    out.append(f"slug: {slugify(title)}-{index}")
    out.append("lang: en")
    out.append("---")
    out.append("")
    out.append(f"# {title}")
    out.append("")
    for _ in range(1 + int(rng.random() * 2)):
        out.append(paragraph(rng)[0])
        out.append("")

    last_level = 1
    for _ in range(max(0, n_sections - 2)):
        level = 3 if (last_level >= 2 and rng.random() < 0.3) else 2
        last_level = level
        out.append(("## " if level == 2 else "### ") + heading(rng))
        out.append("")
        n_par = rng.choices((2, 3, 4, 5), cum_weights=(30, 65, 90, 100))[0]  # mean 3.15
        list_at = int(rng.random() * n_par) if rng.random() < 0.25 else -1
        table_at = int(rng.random() * n_par) if rng.random() < 0.06 else -1
        for p in range(n_par):
            out.append(paragraph(rng)[0])
            out.append("")
            if p == list_at:
                out.append(bullet_list(rng))
                out.append("")
            if p == table_at:
                out.append(table(rng))
                out.append("")

    if n_sections >= 2:
        apa = rng.random() < 0.6
        out.append("## References")
        out.append("")
        for k in range(2 + int(rng.random() * 5)):
            out.append(reference(rng, apa, k + 1, f"{SEED}.{index}.{k + 1}"))
        out.append("")
    return "\n".join(out)


def write_folder(task: tuple[str, int, int, list[int]]) -> tuple[int, int, int]:
    """Writes one folder of articles; returns (articles, sections, bytes)."""
    out_dir, folder, first_index, counts = task
    rng = random.Random(f"healthdex-scale:{SEED}:{folder}")
    path = os.path.join(out_dir, f"part-{folder:04d}")
    os.makedirs(path, exist_ok=True)
    written = 0
    for offset, n in enumerate(counts):
        index = first_index + offset
        text = article(rng, index, n)
        title_line = text.split("\n", 2)[1]
        name = f"{slugify(title_line[8:-1])}-{index:07d}.md"
        data = text.encode("utf-8")
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
        written += len(data)
    return len(counts), sum(counts), written


# ---------------------------------------------------------------------------
# Plan and queries
# ---------------------------------------------------------------------------

# Sections per article: 3..12, mean ~5.3.
SECTION_COUNTS = list(range(3, 13))
SECTION_WEIGHTS = [22, 24, 18, 12, 8, 6, 4, 3, 2, 1]


def plan(seed: int, total: int) -> list[int]:
    """Section counts per article, summing exactly to total."""
    rng = random.Random(f"healthdex-scale-plan:{seed}")
    cum = list(itertools.accumulate(SECTION_WEIGHTS))
    counts = []
    left = total
    while left > 0:
        k = SECTION_COUNTS[bisect.bisect_right(cum, rng.random() * cum[-1])]
        if k > left or 0 < left - k < 3:
            if left <= 12:
                k = left
            else:
                k = left - 3
        counts.append(k)
        left -= k
    return counts


def queries(vocab: Vocab, seed: int) -> list[str]:
    """The fixed benchmark query list (~30) for this seed's vocabulary."""
    rng = random.Random(f"healthdex-scale-queries:{seed}")
    single = [w for w in vocab.content if " " not in w]
    frequent = single[:40]
    # ranks are 1-based over the whole vocabulary
    mid = vocab.rare_words(1000, 5000)
    rare = vocab.rare_words(20000, 50000)
    q: list[str] = []
    q += ["symptoms", "treatment", "diabetes", "eczema", "probiotics"]
    q += rng.sample([w for w in frequent if w in vocab.pseudo_set], 3)
    q += rng.sample(mid, 3)
    q += rng.sample(rare, 4)
    q += [f"{rng.choice(frequent)} {rng.choice(mid)}" for _ in range(2)]
    q += ["gut microbiome", "blood pressure"]
    q += [f'"{p}"' for p in ("type 2 diabetes", "atopic dermatitis", "skin barrier")]
    q += [f"{rng.choice(frequent)} {rng.choice(mid)} {rng.choice(rare)}" for _ in range(2)]
    q += ["probiotics for eczema in children"]
    q += [MISSPELLINGS["diabetes"], MISSPELLINGS["eczema"]]
    w = rng.choice(mid)
    i = 1 + int(rng.random() * (len(w) - 3))
    q.append(w[:i] + w[i + 1] + w[i] + w[i + 2:])  # a pseudo-word with two letters swapped
    # A 25-word question: 6 + 14 drawn + 5 words.
    drawn = " ".join(rng.choices(vocab.words, cum_weights=vocab.cum, k=14)).split()[:14]
    q.append(" ".join(["what is the best treatment for", *drawn, "and how does it help?"]))
    q.append("zqxvyl")  # matches nothing
    return q


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def script_hash() -> str:
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sections", type=int, help="number of sections to generate")
    ap.add_argument("--out", help="output folder (created; must be empty unless --clean)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (output does not depend on it)")
    ap.add_argument("--clean", action="store_true",
                    help="remove OUT first if it is an earlier generated corpus")
    ap.add_argument("--queries", metavar="FILE",
                    help="write the benchmark queries (one per line) to FILE ('-' = stdout)")
    ap.add_argument("--pseudo-words", type=int, default=50000)
    ap.add_argument("--exponent", type=float, default=1.1, help="Zipf exponent")
    args = ap.parse_args()

    if args.sections is None and args.queries is None:
        ap.error("give --sections and --out, or --queries")

    init_worker(args.seed, args.pseudo_words, args.exponent)

    if args.queries:
        text = "\n".join(queries(VOCAB, args.seed)) + "\n"
        if args.queries == "-":
            sys.stdout.write(text)
        else:
            with open(args.queries, "w", encoding="utf-8") as f:
                f.write(text)
        if args.sections is None:
            return 0

    if args.sections is None or args.sections < 1 or not args.out:
        ap.error("--sections (>= 1) and --out are required to generate a corpus")

    out = os.path.abspath(args.out)
    if os.path.isdir(out) and os.listdir(out):
        if not args.clean:
            ap.error(f"{out} is not empty (use --clean to replace a generated corpus)")
        if not os.path.exists(os.path.join(out, STAMP)) and any(
            not n.startswith("part-") for n in os.listdir(out)
        ):
            ap.error(f"{out} does not look like a generated corpus; not removing it")
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    start = time.monotonic()
    counts = plan(args.seed, args.sections)
    tasks = [
        (out, f, f * ARTICLES_PER_FOLDER, counts[f * ARTICLES_PER_FOLDER:(f + 1) * ARTICLES_PER_FOLDER])
        for f in range((len(counts) + ARTICLES_PER_FOLDER - 1) // ARTICLES_PER_FOLDER)
    ]
    articles = sections = nbytes = 0
    jobs = max(1, min(args.jobs, len(tasks)))
    if jobs == 1:
        results = map(write_folder, tasks)
        pool = None
    else:
        pool = multiprocessing.get_context("spawn").Pool(
            jobs, initializer=init_worker,
            initargs=(args.seed, args.pseudo_words, args.exponent))
        results = pool.imap(write_folder, tasks)
    try:
        for done, (a, s, b) in enumerate(results, 1):
            articles += a
            sections += s
            nbytes += b
            if sys.stderr.isatty() or done % 50 == 0 or done == len(tasks):
                print(f"\r  {done}/{len(tasks)} folders, {sections:,} sections, "
                      f"{nbytes / 1e6:,.0f} MB, {time.monotonic() - start:.0f} s",
                      end="" if sys.stderr.isatty() else "\n", file=sys.stderr, flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    elapsed = time.monotonic() - start
    assert sections == args.sections, (sections, args.sections)

    stamp = {
        "generator_version": GENERATOR_VERSION,
        "generator_sha256": script_hash(),
        "seed": args.seed,
        "sections": sections,
        "articles": articles,
        "folders": len(tasks),
        "bytes": nbytes,
        "pseudo_words": args.pseudo_words,
        "exponent": args.exponent,
        "seconds": round(elapsed, 1),
    }
    with open(os.path.join(out, STAMP), "w", encoding="utf-8") as f:
        json.dump(stamp, f, indent=2)
        f.write("\n")
    print(f"wrote {articles:,} articles, {sections:,} sections, {nbytes:,} bytes "
          f"({nbytes / 1e6:,.1f} MB) in {len(tasks)} folders to {out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
