"""Fill a benchmark database: 1,000,000 customers and ~1,000,000 sale lines.

    python benchmarks/fill.py [PATH] [--customers N] [--sales N] [--force]
    python benchmarks/fill.py postgresql://URL [--from FILLED.db] [--force]   (fill_pg.py)

The schema comes from ``open_database()`` (the real migrations) and the
masters (VAT classes, profiles, types, the custom field, settings) from the
real services. The bulk rows then go in through raw ``executemany`` in a
few large transactions with the secondary indexes dropped and rebuilt
afterwards. The search index rows are made by calling
``tui_pos.services.customers.search_terms()`` itself on each customer, so the
benchmarks measure the index the application builds.

Names, numbers, phones, e-mails, tags and membership numbers are varied and
skewed (common names are common), so that prefixes such as "j", "de v" or
"06" match many rows, as they would in a real shop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sqlite3
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from _common import DEFAULT_DB

from tui_pos.db.connection import close_database, open_database
from tui_pos.services import custom_fields, masters
from tui_pos.services.customers import search_terms
from tui_pos.services.item_sales import fill as fill_item_sales
from tui_pos.services.demo import demo_configuration
from tui_pos.services.sales import LINE_FIELDS, SALE_FIELDS
from tui_pos.services.text import fold, name_key
from tui_pos.services.actors import cli_actor

# -- Names ------------------------------------------------------------------------------

FIRST = """Jan Johannes Jeroen Jasper Joost Jesse Julia Johanna Jana Janneke Joris Jorien
Jacob Jayden Jens Jelle Jolien Jill Anna Anouk Annemiek Annelies Ans Astrid Bart Bas Bram
Britt Carla Cees Corné Daan Dani\u00ebl Dirk Dewi Eline Emma Esther Eva Evi Femke Fleur Frank
Floor Gerrit Gert-Jan Hanna Hans Hendrik Henk Ilse Inge Iris Isa Ivo Kees Koen Kim Lars
Laura Lieke Lisa Lotte Luuk Lucas Maarten Marco Maria Marieke Mark Martijn Milan Mila Noah
No\u00e9 Noor Nina Niels Olaf Patrick Peter Pieter Petra Quinten Renske Rik Robin Roos Ruben
Rutger Sander Sanne Sara Sem Sjoerd Sophie Stijn Suzanne Thijs Thomas Tim Tom Vera Wendy
Willem Wim Wouter Yara Yvonne Zo\u00eb Mohamed Mohammed Ahmed Fatima Yasmina Youssef Ayoub
Hamza Sara Imane Khadija Mustafa Mehmet Ay\u015fe Emre Elif Zeynep Burak Y\u0131lmaz \u00d6zlem
Priya Raj Anand Wei Li Chen Mei Hiroshi Yuki Sven Bj\u00f6rn Ingrid Lars-Erik Mikkel Freja
Piotr Katarzyna Agnieszka Micha\u0142 Tomasz Jos\u00e9 Mar\u00eda Jos\u00e9-Luis Fran\u00e7ois Am\u00e9lie
Ren\u00e9e Chlo\u00e9 J\u00fcrgen Katrin Stefan M\u00fcller-Anne Liam Olivia Noah Amelia George Oliver
Charlotte Aoife Se\u00e1n Giulia Luca Matteo Chiara Jo\u00e3o In\u00eas Kwame Ama Nkechi Oluwaseun
Dimitri Olga Nikolai Anastasia""".split()

PARTICLES = ["", "", "", "", "", "", "de", "van", "van de", "van der", "van den", "de",
             "van 't", "ter", "ten", "den", "in 't", "op de", "van het", "de la", "da", "di",
             "el", "von", "van de", "de"]

LAST = """Vries Jansen Bakker Visser Smit Meijer Boer Mulder Groot Bos Vos Peters Hendriks
Berg Dekker Dijk Brouwer Wit Dijkstra Smits Graaf Meer Linden Kok Jacobs Haan Vermeulen
Heuvel Veen Broek Bruijn Bruin Heijden Schouten Beek Willems Vliet Ven Hoekstra Maas
Verhoeven Koster Prins Leeuwen Dam Kuipers Wal Postma Hermans Laan Jong Huisman Peeters
Verbeek Wijk Kramer Bosch Kuiper Scholten Sanders Meulen Hoek Wouters Kok Koning Willemsen
Vermeer Martens Boersma Janssen Gerritsen Veenstra Timmermans Evers Haas Goossens Lange
Bosman Groen Ouden Zwart Brink Driel Post Smeets Roos Jonker Molenaar Mol Kooij Wolters
Vink Blom Schipper Sch\u00f6nberg Oosterhuis Zijlstra Kroon Huizinga Bouwman Verschuren Fr\u00f6hlich
El\u00a0Amrani Amrani Bouzid Benali Haddou Ouali Yilmaz Kaya Demir \u015eahin \u00c7elik Y\u0131ld\u0131z
\u00d6zt\u00fcrk Aydin \u00d6zdemir Arslan Do\u011fan Kl\u00e4ssen M\u00fcller Schmidt Schneider Fischer
Weber Wagner Becker Hoffmann Sch\u00e4fer Koch Richter Nowak Kowalski Wi\u015bniewski W\u00f3jcik
Kami\u0144ski Lewandowski Smith Jones Williams Brown Taylor Davies Wilson Evans Thomas Johnson
Andersen Hansen Nielsen Johansson Lindqvist \u00c5berg Str\u00f6m Garc\u00eda Fern\u00e1ndez L\u00f3pez
Mart\u00ednez Gonz\u00e1lez Rodr\u00edguez Rossi Russo Bianchi Esposito Silva Santos Ferreira Costa
Dubois Lef\u00e8vre Moreau Laurent Girard Nguyen Tran Wang Zhang Liu Chen Sharma Patel Singh
Kumar Mensah Owusu Okafor Adeyemi Ivanov Petrova Smirnov Papadopoulos Nakamura Tanaka
Sato Ramdin Soekhoe Wongsodikromo Kromodimedjo Ramcharan Bhagwandin Biharie""".split()
LAST = [n.replace("\u00a0", " ") for n in LAST]

COMPANY_FORMS = ["{last} B.V.", "Bakkerij {last}", "Caf\u00e9 {last}", "{last} & Zn.",
                 "Restaurant De {city}", "{last} Holding", "Koffiebar {first}",
                 "{city} Catering", "Hotel {last}", "{last} Installatietechniek",
                 "Studio {first}", "{last} Consultancy", "Eetcaf\u00e9 't Hoekje",
                 "{last} GmbH", "{last} AB", "{last} Ltd"]

CITIES = [("Amsterdam", "10"), ("Rotterdam", "30"), ("Den Haag", "25"), ("Utrecht", "35"),
          ("Eindhoven", "56"), ("Groningen", "97"), ("Tilburg", "50"), ("Almere", "13"),
          ("Breda", "48"), ("Nijmegen", "65"), ("Haarlem", "20"), ("Arnhem", "68"),
          ("Zaandam", "15"), ("Amersfoort", "38"), ("Apeldoorn", "73"), ("'s-Hertogenbosch", "52"),
          ("Hoofddorp", "21"), ("Maastricht", "62"), ("Leiden", "23"), ("Dordrecht", "33"),
          ("Zoetermeer", "27"), ("Zwolle", "80"), ("Deventer", "74"), ("Delft", "26"),
          ("Alkmaar", "18"), ("Leeuwarden", "89"), ("Venlo", "59"), ("Hilversum", "12"),
          ("Enschede", "75"), ("Gouda", "28"), ("Antwerpen", "20"), ("Gent", "90"),
          ("K\u00f6ln", "50"), ("D\u00fcsseldorf", "40"), ("Stockholm", "11"), ("London", "EC")]
STREETS = ["Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Prinsengracht",
           "Keizersgracht", "Stationsweg", "Julianalaan", "Beatrixstraat", "Nieuwe Binnenweg",
           "Oudegracht", "Markt", "Lindenlaan", "Parallelweg", "Industrieweg", "Zuidsingel"]
DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl",
           "xs4all.nl", "icloud.com", "yahoo.com", "planet.nl", "home.nl", "proton.me"]

# ~300 distinct tags, a few very common.
TAG_BASE = ["vip", "coffee", "tea", "horeca", "newsletter", "staff", "export", "student",
            "senior", "wholesale", "barista", "espresso", "filter", "decaf", "matcha", "gift",
            "corporate", "event", "webshop", "returns", "loyal", "new", "lapsed", "b2b",
            "cake", "bread", "catering", "office", "festival", "market"]
TAG_EXTRA = ([f"regio {c.lower()}" for c, _ in CITIES]
             + [f"beurs {y}" for y in range(2015, 2027)]
             + [f"actie {m} {y}" for y in (2024, 2025, 2026) for m in
                ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                 "dec")]
             + [f"workshop {w}" for w in ("latte art", "cupping", "thee", "bakken", "brouwen",
                                          "espresso", "v60", "aeropress", "chemex", "siphon")]
             + [f"segment {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
             + [f"route {n:02d}" for n in range(1, 61)]
             + [f"club {n}" for n in ("zaterdag", "zondag", "ochtend", "avond", "lunch",
                                      "koffie", "thee", "boek", "fiets", "wandel")]
             + [f"partner {p}" for p in ("ah", "jumbo", "hema", "bol", "coolblue", "ikea",
                                         "ns", "kpn", "ing", "rabobank", "abn", "ziggo")])
TAGS = TAG_BASE + TAG_EXTRA


def zipf_weights(n: int, s: float = 0.9) -> list[float]:
    return list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(n)))


# -- Masters (through the real services) ----------------------------------------------

PROFILES = ["Retail", "Wholesale", "Online", "Horeca", "Events", "Staff shop", "Market stall"]
TYPES = [("Staff", "15", None), ("Wholesale", "10", None), ("Tax exempt", None, "Nul"),
         ("Friends", "5", None), ("Student", "7.5", None)]


def make_masters() -> dict:
    vat = demo_configuration(cli_actor())  # the demo store's VAT classes and configuration
    profiles = [masters.save_profile(cli_actor(), name) for name in PROFILES]
    masters.save_profile(cli_actor(), "Seasonal 2025", active=False)
    types = [masters.save_type(cli_actor(), name, discount=disc,
                               vat_class_id=vat[v].id if v else None)
             for name, disc, v in TYPES]
    card = custom_fields.save_field(cli_actor(), "Loyalty card", "text")
    return {"vat": vat, "profiles": profiles, "types": types, "card": card}


ITEM_WORDS = [
    ("Coffee beans {o} {w} g", "Laag", ["Ethiopia", "Colombia", "Brazil", "Kenya", "Guatemala",
                                         "Sumatra", "Peru", "Rwanda", "Honduras", "House blend"]),
    ("{o} tea {w} g", "Laag", ["Green", "Earl Grey", "Rooibos", "Sencha", "Darjeeling", "Assam",
                               "Chai", "Mint", "Jasmine", "Oolong"]),
    ("{o} bread", "Laag", ["Sourdough", "Rye", "Spelt", "Whole wheat", "Brioche", "Ciabatta"]),
    ("{o} cake slice", "Laag", ["Apple", "Carrot", "Cheese", "Chocolate", "Lemon", "Banana"]),
    ("Stoneware mug {o}", "Hoog", ["white", "blue", "green", "black", "sand", "red"]),
    ("{o} grinder", "Hoog", ["Hand", "Burr", "Electric", "Travel"]),
    ("{o} filter {w}", "Hoog", ["Paper", "Cloth", "Metal", "V60", "Chemex"]),
    ("Barista handbook vol. {w}", "Laag", ["1"]),
]


def make_items(con: sqlite3.Connection, vat: dict, rng: random.Random) -> list[tuple]:
    rows, seen = [], set()
    n = 0
    while len(rows) < 2000:
        form, vat_name, options = rng.choice(ITEM_WORDS)
        name = form.format(o=rng.choice(options), w=rng.choice([100, 250, 500, 1000, 2, 3]))
        name = f"{name} #{n}" if name in seen else name
        seen.add(name)
        n += 1
        price = rng.choice([95, 150, 250, 395, 450, 695, 895, 1210, 1495, 2499, 4995, 8950])
        rows.append((f"SKU-{n:05d}", f"87{n:011d}", name, fold(name), price,
                     vat[vat_name].id, 1, 0, 1))
    rows.append(("LAB-REP", None, "Repair labour (per hour)", fold("Repair labour (per hour)"),
                 6050, vat["Hoog"].id, 0, 1, 1))
    con.executemany("INSERT INTO item (sku, barcode, name, name_key, price, vat_class_id, "
                    "discountable, is_labour, active) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    rates = {v.id: int(v.rate * 100) for v in vat.values()}
    names = {v.id: v.name for v in vat.values()}
    return [(i + 1, r[0], r[2], r[4], rates[r[5]], names[r[5]], r[6])
            for i, r in enumerate(rows)]


# -- Customers --------------------------------------------------------------------------

CUSTOMER_COLS = ("id", "number", "first_name", "last_name", "company", "sort_name", "email",
                 "phone", "mobile", "address", "postcode", "city", "country", "birthday",
                 "customer_type_id", "profile_id", "discount", "vat_class_id", "additional",
                 "contact_email", "contact_sms", "contact_phone", "contact_post",
                 "consent_date", "consent_note", "newsletter", "credit_limit", "active",
                 "created_at", "updated_at")
INSERT_CUSTOMER = (f"INSERT INTO customer ({', '.join(CUSTOMER_COLS)}) "
                   f"VALUES ({', '.join('?' * len(CUSTOMER_COLS))})")


def ascii_local(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum() or c in ".-")


class CustomerMaker:
    def __init__(self, rng: random.Random, masters_: dict, today: dt.date):
        self.rng = rng
        self.today = today
        self.first_w = zipf_weights(len(FIRST))
        self.last_w = zipf_weights(len(LAST))
        self.tag_w = zipf_weights(len(TAGS), 1.1)
        self.city_w = zipf_weights(len(CITIES), 0.7)
        self.profile_ids = [p.id for p in masters_["profiles"]]
        self.profile_w = list(itertools.accumulate([50, 12, 20, 8, 4, 3, 3]))
        self.type_ids = [t.id for t in masters_["types"]]
        self.tax_free = masters_["vat"]["Nul"].id
        self.card_id = masters_["card"].id

    def make(self, cid: int) -> tuple[tuple, list[str], str | None]:
        """One customer row, its tags and its loyalty card (or None)."""
        r = self.rng
        first = r.choices(FIRST, cum_weights=self.first_w)[0]
        particle = r.choice(PARTICLES)
        last = r.choices(LAST, cum_weights=self.last_w)[0]
        last = f"{particle} {last}" if particle else last
        city, pc = r.choices(CITIES, cum_weights=self.city_w)[0]
        company = ""
        if r.random() < 0.08:
            company = r.choice(COMPANY_FORMS).format(last=last.split()[-1], first=first,
                                                     city=city)
            if r.random() < 0.3:
                first, last = "", ""
        number = str(1000 + cid)
        email = ""
        if r.random() < 0.8:
            local = r.choice((f"{first}.{last}", f"{first[:1]}.{last}", f"{first}{last}",
                              f"{first}{r.randint(1, 99)}", f"{last}.{r.randint(1950, 2008)}",
                              "info")) if (first or last) else "info"
            local = ascii_local(local.replace(" ", "")) or "info"
            domain = r.choice(DOMAINS) if not company else \
                ascii_local(company).replace(".", "").replace("-", "") + ".nl"
            email = f"{local}@{domain}"
        phone = mobile = ""
        if r.random() < 0.45:
            phone = f"0{r.randint(10, 79)}-{r.randint(1000000, 9999999)}"
        if r.random() < 0.75:
            m = r.randint(10000000, 99999999)
            mobile = r.choice((f"06-{m}", f"06{m}", f"+31 6 {m}",
                               f"06 {m // 10000} {m % 10000:04d}",
                               f"+32 4{r.randint(70, 99)} {r.randint(100000, 999999)}",
                               f"+49 15{r.randint(1, 9)} {r.randint(1000000, 9999999)}"))
        birthday = None
        if r.random() < 0.4:
            birthday = (self.today - dt.timedelta(days=r.randint(16 * 365, 90 * 365))).isoformat()
        ctype = r.choice(self.type_ids) if r.random() < 0.15 else None
        profile = r.choices(self.profile_ids, cum_weights=self.profile_w)[0] \
            if r.random() < 0.85 else None
        additional = f"M-{r.randint(100000, 999999)}" if r.random() < 0.3 else ""
        contact_email = bool(email) and r.random() < 0.4
        contact_sms = bool(mobile) and r.random() < 0.15
        consent = None
        if contact_email or contact_sms:
            consent = (self.today - dt.timedelta(days=r.randint(1, 2000))).isoformat()
        created = dt.datetime.combine(self.today - dt.timedelta(days=r.randint(0, 3650)),
                                      dt.time(r.randint(9, 17), r.randint(0, 59)))
        created_s = created.isoformat(" ")
        active = 1 if r.random() < 0.97 else 0
        n_tags = r.choices((0, 1, 2, 3, 4), weights=(45, 30, 15, 7, 3))[0]
        tags = list(dict.fromkeys(r.choices(TAGS, cum_weights=self.tag_w, k=n_tags)))
        card = f"LC{r.randint(10000, 99999)}" if r.random() < 0.25 else None
        row = (cid, number, first, last, company,
               fold(f"{last} {first} {company}")[:250], email, phone, mobile,
               f"{r.choice(STREETS)} {r.randint(1, 250)}",
               f"{pc}{r.randint(10, 99)} {chr(65 + r.randint(0, 25))}{chr(65 + r.randint(0, 25))}",
               city, "Nederland", birthday, ctype, profile,
               500 if r.random() < 0.03 else None,
               self.tax_free if r.random() < 0.005 else None, additional,
               int(contact_email), int(contact_sms), 0, 0, consent,
               "Signed at the counter" if consent else "", int(contact_email),
               50000 if company else None, active, created_s, created_s)
        return row, tags, card


def fill_customers(con: sqlite3.Connection, n: int, maker: CustomerMaker,
                   tag_ids: dict[str, int], card_field: int, chunk: int = 50_000) -> dict:
    """Insert ``n`` customers in chunks; returns a sample used for sales."""
    sample: dict[int, tuple] = {}
    total_terms = 0
    started = time.perf_counter()
    for start in range(1, n + 1, chunk):
        rows, terms, ctags, cards = [], [], [], []
        for cid in range(start, min(start + chunk, n + 1)):
            row, tags, card = maker.make(cid)
            rows.append(row)
            view = SimpleNamespace(first_name=row[2], last_name=row[3], company=row[4],
                                   additional=row[18], number=row[1], email=row[6],
                                   phone=row[7], mobile=row[8])
            for term in search_terms(view, tags, [card] if card else []):
                terms.append((cid, term))
            for tag in tags:
                ctags.append((cid, tag_ids[name_key(tag)]))
            if card:
                cards.append((cid, card_field, card))
            if cid % 20 == 0 and len(sample) < 50_000 and row[27]:
                sample[cid] = row
        con.execute("BEGIN")
        con.executemany(INSERT_CUSTOMER, rows)
        con.executemany("INSERT INTO customer_search_term (customer_id, term) VALUES (?, ?)",
                        terms)
        con.executemany("INSERT INTO customer_tag (customer_id, tag_id) VALUES (?, ?)", ctags)
        con.executemany("INSERT INTO custom_field_value (customer_id, field_id, value) "
                        "VALUES (?, ?, ?)", cards)
        con.execute("COMMIT")
        total_terms += len(terms)
        done = min(start + chunk - 1, n)
        rate = done / (time.perf_counter() - started)
        print(f"\r  customers {done:>9,} / {n:,}  ({rate:,.0f}/s, {total_terms:,} terms)",
              end="", flush=True)
    print()
    return {"sample": sample, "terms": total_terms}


# -- Sales ------------------------------------------------------------------------------

SALE_COLS = ("id", *(f.column_name for f in SALE_FIELDS))  # as complete_sale writes them
LINE_COLS = tuple(f.column_name for f in LINE_FIELDS)


def half_up(num: int, den: int) -> int:
    """round(num / den) half away from zero, in integers."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def money(cents: int) -> str:
    return f"{cents / 100:.2f}".replace(".", ",")


def display_name(row: tuple) -> str:
    name = f"{row[2]} {row[3]}".strip()
    if row[4]:
        return f"{name} ({row[4]})" if name else row[4]
    return name or row[1]


def fill_sales(con: sqlite3.Connection, n_sales: int, days: int, today: dt.date,
               items: list[tuple], sample: dict, masters_: dict, rng: random.Random,
               chunk: int = 10_000) -> int:
    profiles = {p.id: p.name for p in masters_["profiles"]}
    types = {t.id: (t.name, int(t.discount * 100) if t.discount is not None else 0)
             for t in masters_["types"]}
    regulars = list(sample.values())
    weekday_weight = [1.0, 1.0, 1.05, 1.1, 1.3, 1.6, 0.45]
    day_list = [today - dt.timedelta(days=d) for d in range(days - 1, -1, -1)]
    weights = [weekday_weight[d.weekday()] for d in day_list]
    scale = n_sales / sum(weights)
    per_day = [int(w * scale) for w in weights]
    per_day[-1] += n_sales - sum(per_day)
    item_w = zipf_weights(len(items), 0.8)
    sale_id = 0
    n_lines = 0
    sales, lines, vats, pays = [], [], [], []
    ins_sale = (f"INSERT INTO sale ({', '.join(SALE_COLS)}) "
                f"VALUES ({', '.join('?' * len(SALE_COLS))})")
    ins_line = (f"INSERT INTO sale_line ({', '.join(LINE_COLS)}) "
                f"VALUES ({', '.join('?' * len(LINE_COLS))})")

    def flush():
        con.execute("BEGIN")
        con.executemany(ins_sale, sales)
        con.executemany(ins_line, lines)
        con.executemany("INSERT INTO sale_vat (sale_id, rate, base, vat, total) "
                        "VALUES (?,?,?,?,?)", vats)
        con.executemany("INSERT INTO payment (sale_id, method, amount, tendered, change, "
                        "rounding) VALUES (?,?,?,?,0,0)", [(*p, p[2]) for p in pays])
        con.execute("COMMIT")
        sales.clear(), lines.clear(), vats.clear(), pays.clear()

    for day, count in zip(day_list, per_day):
        times = sorted((rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))
                       for _ in range(count))
        for h, m, s in times:
            sale_id += 1
            created = dt.datetime.combine(day, dt.time(h, m, s))
            cust = rng.choice(regulars) if rng.random() < 0.6 else None
            if cust is not None:
                profile = cust[15]
                ctype = cust[14]
            else:
                profile = rng.choice(list(profiles)) if rng.random() < 0.5 else None
                ctype = None
            type_name, type_disc = types.get(ctype, ("", 0))
            cust_disc = cust[16] if cust is not None and cust[16] is not None else None
            pct = cust_disc if cust_disc is not None else type_disc
            source = "customer" if cust_disc is not None else ("type" if type_disc else "none")
            k = max(1, min(14, round(rng.gauss(7, 2.5))))
            picked = rng.choices(items, cum_weights=item_w, k=k)
            by_rate: dict[int, int] = {}
            receipt = ["De Hoek \u2014 koffie & thee".center(40),
                       "Prinsengracht 100".center(40), "1015 EA Amsterdam".center(40),
                       "VAT NL123456789B01".center(40), "-" * 40,
                       f"Sale {sale_id:<10}{created:%Y-%m-%d %H:%M}".rjust(40)]
            subtotal = disc_total = 0
            for pos, (iid, sku, name, price, rate, vat_name, discountable) in \
                    enumerate(picked, 1):
                qty = rng.choice((1, 1, 1, 1, 2, 2, 3))
                gross = qty * price
                d_pct = pct if discountable and pct else 0
                d_amt = half_up(gross * d_pct, 10000)
                amount = gross - d_amt
                lines.append((sale_id, pos, iid, sku, name, qty * 1000, price, discountable,
                              gross, d_pct, source if d_pct else "none", d_amt, vat_name, rate,
                              "item", amount, None, 0))  # no bill discount
                by_rate[rate] = by_rate.get(rate, 0) + amount
                subtotal += amount
                disc_total += d_amt
                receipt.append(name[:40])
                receipt.append(f"  {qty} x {money(price)}".ljust(28)
                               + f"{money(gross)} {rate // 100}%".rjust(12))
            vat_total = 0
            for rate, amt in sorted(by_rate.items(), reverse=True):
                vat = half_up(amt * rate, 10000 + rate)
                vat_total += vat
                vats.append((sale_id, rate, amt - vat, vat, amt))
            paid = subtotal if rng.random() < 0.6 else -(-subtotal // 500) * 500
            receipt += ["-" * 40, f"TOTAL EUR{money(subtotal):>31}",
                        f"Paid{money(paid):>36}", "Dank je wel! Thank you!".center(40)]
            sales.append((sale_id, sale_id, created.isoformat(" "), day.isoformat(),
                          "completed", rng.choice(("anna", "daan", "ruben", "")), None, "till-1",
                          cust[0] if cust else None, cust[1] if cust else "",
                          display_name(cust) if cust else "", ctype, type_name,
                          profile, profiles.get(profile, ""), 1, None, subtotal, disc_total,
                          vat_total, subtotal, paid, paid - subtotal,
                          "\n".join(receipt) + "\n"))
            pays.append((sale_id, rng.choice(("cash", "card", "card")), paid))
            n_lines += len(picked)
            if len(sales) >= chunk:
                flush()
                print(f"\r  sales {sale_id:>9,} / {n_sales:,}  ({n_lines:,} lines)",
                      end="", flush=True)
    if sales:
        flush()
    print(f"\r  sales {sale_id:>9,} / {n_sales:,}  ({n_lines:,} lines)")
    return n_lines


# -- PostgreSQL: the same rows, copied ---------------------------------------------------

def fill_postgres(args) -> int:
    """Copy a filled SQLite store (made first when missing) into the URL's database."""
    import psycopg
    from fill_pg import copy_store

    with psycopg.connect(args.path, autocommit=True) as pg:
        filled = pg.execute("SELECT to_regclass('sale') IS NOT NULL").fetchone()[0] and \
            pg.execute("SELECT EXISTS (SELECT 1 FROM sale)").fetchone()[0]
    if filled and not args.force:
        print("that database already holds sales; pass --force to replace them",
              file=sys.stderr)
        return 2
    source = Path(args.source) if args.source else \
        DEFAULT_DB.parent / f"for-pg-{args.customers}-{args.sales}-{args.seed}.db"
    if not source.exists():
        made = main([str(source), "--customers", str(args.customers), "--sales",
                     str(args.sales), "--days", str(args.days), "--seed", str(args.seed)])
        if made:
            return made
    copy_store(source, args.path)
    return 0


# -- Main -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT_DB))
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--sales", type=int, default=150_000, help="sales (about 7 lines each)")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--force", action="store_true", help="replace an existing file")
    ap.add_argument("--from", dest="source", help="for a postgresql:// URL: the filled "
                    "SQLite store to copy (default: fill one with the same options)")
    args = ap.parse_args(argv)
    if args.path.startswith(("postgresql://", "postgres://")):
        return fill_postgres(args)

    path = Path(args.path)
    if path.exists():
        if not args.force:
            print(f"{path} exists; pass --force to replace it", file=sys.stderr)
            return 2
    for suffix in ("", "-wal", "-shm", ".bak"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)

    rng = random.Random(args.seed)
    today = dt.date.today()
    t0 = time.perf_counter()
    open_database(str(path))  # the real schema, through the migrations
    masters_ = make_masters()
    close_database()

    con = sqlite3.connect(str(path), isolation_level=None)
    con.execute("PRAGMA journal_mode=delete")
    con.execute("PRAGMA journal_mode=off")
    con.execute("PRAGMA synchronous=off")
    con.execute("PRAGMA foreign_keys=off")
    con.execute("PRAGMA cache_size=-262144")
    con.execute("PRAGMA temp_store=memory")
    bulk_tables = ("customer", "customer_search_term", "customer_tag", "custom_field_value",
                   "sale", "sale_line", "sale_vat", "payment")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(bulk_tables))})", bulk_tables).fetchall()
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')

    con.execute("BEGIN")
    items = make_items(con, masters_["vat"], rng)
    tag_rows = [(t, name_key(t)) for t in TAGS]
    con.executemany("INSERT INTO tag (name, name_key) VALUES (?, ?)", tag_rows)
    con.execute("COMMIT")
    tag_ids = {k: i for i, k in con.execute("SELECT id, name_key FROM tag")}

    t1 = time.perf_counter()
    maker = CustomerMaker(rng, masters_, today)
    made = fill_customers(con, args.customers, maker, tag_ids, masters_["card"].id)
    t2 = time.perf_counter()
    n_lines = fill_sales(con, args.sales, args.days, today, items, made["sample"], masters_, rng)
    t3 = time.perf_counter()

    print(f"  rebuilding {len(indexes)} indexes ...", flush=True)
    for name, sql in indexes:
        s = time.perf_counter()
        con.execute(sql)
        print(f"    {name:45s} {time.perf_counter() - s:6.1f} s", flush=True)
    con.execute("UPDATE sequence SET value = ? WHERE name = 'customer'", (args.customers,))
    con.execute("UPDATE sequence SET value = ? WHERE name = 'sale'", (args.sales,))
    con.execute("PRAGMA journal_mode=wal")
    con.close()
    print("  summing item sales per day and month ...", flush=True)
    database = open_database(str(path))  # the by-item report's sums, as the migration fills them
    with database.atomic():
        fill_item_sales(database)
    close_database()
    t4 = time.perf_counter()

    size = path.stat().st_size / 2**20
    print(f"filled {path} ({size:,.0f} MiB) in {t4 - t0:.1f} s: "
          f"{args.customers:,} customers with {made['terms']:,} search terms in {t2 - t1:.1f} s, "
          f"{args.sales:,} sales with {n_lines:,} lines in {t3 - t2:.1f} s, "
          f"indexes in {t4 - t3:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
