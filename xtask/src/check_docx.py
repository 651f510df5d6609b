"""Reads DOCX editions the way Word users' tools do (python-docx) and prints
what `cargo xtask validate` checks, one JSON object per file:

- paragraphs: style name, text, and for numbered paragraphs the label the
  numbering definitions give (computed from numbering.xml: format, level
  text, start and startOverride, counted per numbering instance);
- langs: every w:lang value on runs (w:val, w:eastAsia), and the defaults';
- fonts: each w:font of fontTable.xml with its embedded faces, each
  de-obfuscated with its w:fontKey (ECMA-376 Part 1, 17.8.1) and read:
  sfnt version, outline kind, OS/2 fsType, whether it has a cmap;
- the fonts the styles name; the core properties.

Usage: python3 check_docx.py FILE.docx ...
"""

import json
import struct
import sys
import zipfile

import docx
from docx.oxml.ns import qn


def tables_of(font):
    count = struct.unpack(">H", font[4:6])[0]
    tables = {}
    for k in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * k : 28 + 16 * k])
        tables[tag.decode("latin-1")] = (offset, length)
    return tables


def deobfuscate(data, key):
    digits = key.strip("{}").replace("-", "")
    guid = bytes.fromhex(digits)
    out = bytearray(data)
    for i in range(min(32, len(out))):
        out[i] ^= guid[15 - i % 16]
    return bytes(out)


def roman(n):
    out = ""
    for value, numeral in [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]:
        while n >= value:
            out += numeral
            n -= value
    return out


def label(fmt, text, n, ilvl):
    if fmt == "decimal":
        value = str(n)
    elif fmt == "lowerLetter":
        value = chr(ord("a") + n - 1)
    elif fmt == "upperLetter":
        value = chr(ord("A") + n - 1)
    elif fmt == "lowerRoman":
        value = roman(n)
    elif fmt == "upperRoman":
        value = roman(n).upper()
    elif fmt == "bullet":
        return text
    else:
        value = "?" + fmt
    return text.replace("%" + str(ilvl + 1), value)


def check(path):
    document = docx.Document(path)
    package = zipfile.ZipFile(path)
    result = {"file": path}

    # Numbering: abstract definitions and instances.
    numbering = {}
    try:
        part = document.part.numbering_part.element
        abstract = {}
        for a in part.findall(qn("w:abstractNum")):
            abstract[a.get(qn("w:abstractNumId"))] = {
                lvl.get(qn("w:ilvl")): (
                    lvl.find(qn("w:numFmt")).get(qn("w:val")),
                    lvl.find(qn("w:lvlText")).get(qn("w:val")),
                    int(lvl.find(qn("w:start")).get(qn("w:val"))),
                )
                for lvl in a.findall(qn("w:lvl"))
            }
        for num in part.findall(qn("w:num")):
            levels = dict(abstract[num.find(qn("w:abstractNumId")).get(qn("w:val"))])
            for override in num.findall(qn("w:lvlOverride")):
                so = override.find(qn("w:startOverride"))
                ilvl = override.get(qn("w:ilvl"))
                if so is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(so.get(qn("w:val"))))
            # Items counted per level of each instance.
            numbering[num.get(qn("w:numId"))] = [levels, {}]
    except (NotImplementedError, KeyError, AttributeError, IndexError):
        pass

    paragraphs = []
    for p in document.paragraphs:
        entry = {"style": p.style.name if p.style is not None else None, "text": p.text}
        ppr = p._p.pPr
        num_id = None
        ilvl = "0"
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            num_id = str(ppr.numPr.numId.val)
            if ppr.numPr.ilvl is not None:
                ilvl = str(ppr.numPr.ilvl.val)
        if num_id in numbering and ilvl in numbering[num_id][0]:
            levels, counts = numbering[num_id]
            fmt, text, start = levels[ilvl]
            count = counts.get(ilvl, 0)
            counts[ilvl] = count + 1
            entry["label"] = label(fmt, text, start + count, int(ilvl))
        explicit = p._p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        entry["style_id"] = explicit.get(qn("w:val")) if explicit is not None else None
        paragraphs.append(entry)
    result["paragraphs"] = paragraphs

    langs = set()
    for lang in document.element.body.iter(qn("w:lang")):
        langs.add((lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))))
    result["langs"] = sorted([list(l) for l in langs], key=lambda l: (l[0] or "", l[1] or ""))
    styles = document.styles.element
    default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr") + "/" + qn("w:lang"))
    result["default_lang"] = None if default is None else [default.get(qn("w:val")), default.get(qn("w:eastAsia"))]

    named = set()
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            if fonts.get(qn(attr)):
                named.add(fonts.get(qn(attr)))
    result["style_fonts"] = sorted(named)

    # Fonts: fontTable.xml, its relationships, the de-obfuscated files.
    font_part = None
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_part = rel.target_part
    fonts = []
    settings = package.read("word/settings.xml").decode("utf-8")
    result["embed_true_type_fonts"] = "<w:embedTrueTypeFonts" in settings
    if font_part is not None:
        from lxml import etree

        table = etree.fromstring(font_part.blob)
        for font in table.findall(qn("w:font")):
            entry = {"name": font.get(qn("w:name")), "faces": []}
            for kind in ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic"):
                embed = font.find(qn("w:" + kind))
                if embed is None:
                    continue
                rid = embed.get(qn("r:id"))
                key = embed.get(qn("w:fontKey"))
                data = font_part.rels[rid].target_part.blob
                plain = deobfuscate(data, key)
                face = {"kind": kind, "bytes": len(data), "partname": str(font_part.rels[rid].target_part.partname)}
                face["sfnt"] = plain[:4].hex()
                try:
                    tables = tables_of(plain)
                    face["tables"] = sorted(tables)
                    if "OS/2" in tables:
                        offset = tables["OS/2"][0]
                        face["fs_type"] = struct.unpack(">H", plain[offset + 8 : offset + 10])[0]
                except struct.error:
                    face["tables"] = []
                entry["faces"].append(face)
            fonts.append(entry)
    result["fonts"] = fonts
    content_types = package.read("[Content_Types].xml").decode("utf-8")
    result["odttf_registered"] = 'Extension="odttf"' in content_types

    core = document.core_properties
    result["core"] = {
        "title": core.title,
        "author": core.author,
        "language": core.language,
        "created": core.created.isoformat() if core.created else None,
        "modified": core.modified.isoformat() if core.modified else None,
    }
    return result


if __name__ == "__main__":
    print(json.dumps([check(path) for path in sys.argv[1:]], ensure_ascii=False))
