"""ODK as the tests meet it: the exported form converted by pyxform, instances filled the way
Collect fills them, and the form's XPath rules evaluated (elementpath) on a filled instance."""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from elementpath import XPath2Parser
from elementpath.xpath_context import XPathContext
from pyxform.xls2xform import convert

XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"


@dataclass(frozen=True)
class XForm:
    """An XForm as pyxform made it: its text, warnings, and the parsed model."""

    xml: str
    warnings: list[str]

    @property
    def model(self) -> ET.Element:
        root = ET.fromstring(self.xml)
        model = root.find(f".//{XF}model")
        assert model is not None
        return model

    def primary(self) -> ET.Element:
        return next(iter(self.model.find(f"{XF}instance") or []))

    def secondary(self, name: str) -> ET.Element:
        for inst in self.model.findall(f"{XF}instance"):
            if inst.get("id") == name:
                return next(iter(inst))
        raise KeyError(name)

    def bind(self, nodeset: str) -> dict[str, str]:
        for b in self.model.findall(f"{XF}bind"):
            if b.get("nodeset") == nodeset:
                return dict(b.attrib)
        raise KeyError(nodeset)

    def texts(self, lang: str) -> dict[str, str]:
        """itext id -> text in `lang`."""
        found = {}
        for tr in self.model.iter(f"{XF}translation"):
            if tr.get("lang") == lang:
                for t in tr.findall(f"{XF}text"):
                    value = t.find(f"{XF}value")
                    text = "".join(value.itertext()) if value is not None else ""
                    found[t.get("id") or ""] = text
        return found


def to_xform(xlsx: Path) -> XForm:
    warnings: list[str] = []
    done = convert(xlsform=str(xlsx), warnings=warnings)
    return XForm(done.xform, warnings)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def fill(
    form: XForm,
    answers: Mapping[str, str],
    people: Sequence[Mapping[str, str]] = (),
    persons: Sequence[Mapping[str, str]] = (),
    instance_id: str | None = None,
    deprecated_id: str | None = None,
) -> ET.Element:
    """The instance as Collect saves it: the form's primary instance with these answers, one
    repeat per entry, calculates worked out and meta/instanceID set."""
    template = form.primary()
    root = ET.Element(_local(template.tag), dict(template.attrib))  # as Collect: no namespace
    for child in template:
        name = _local(child.tag)
        if child.get(f"{JR}template") is not None:
            continue
        if name in ("people", "persons"):
            for entry in people if name == "people" else persons:
                rep = ET.SubElement(root, name)
                for field in child:
                    leaf = _local(field.tag)
                    ET.SubElement(rep, leaf).text = entry.get(leaf, "")
                if name == "persons":
                    signs = rep.find("person_signs")
                    has = rep.find("person_has_signs")
                    assert signs is not None and has is not None
                    has.text = "1" if (signs.text or "").split() else "0"
            continue
        if name == "meta":
            meta = ET.SubElement(root, "meta")
            ET.SubElement(meta, "instanceID").text = instance_id or f"uuid:{uuid.uuid4()}"
            if deprecated_id:
                ET.SubElement(meta, "deprecatedID").text = deprecated_id
            continue
        ET.SubElement(root, name).text = answers.get(name, "")
    for name, value in _constants(form).items():
        leaf = root.find(name)
        if leaf is not None and name not in answers:
            leaf.text = value
    return root


def _constants(form: XForm) -> dict[str, str]:
    """The form's calculates that are a quoted constant (operation, a fixed team)."""
    found = {}
    for b in form.model.findall(f"{XF}bind"):
        calc = b.get("calculate") or ""
        if re.fullmatch(r"'[^']*'", calc):
            found[(b.get("nodeset") or "").split("/")[-1]] = calc[1:-1]
    return found


def _plain(element: ET.Element) -> ET.Element:
    """A copy with every tag's namespace dropped (the rules name elements without one)."""
    copied = ET.Element(_local(element.tag), dict(element.attrib))
    copied.text = element.text
    copied.extend(_plain(child) for child in element)
    return copied


def instance_bytes(instance: ET.Element) -> bytes:
    return b'<?xml version="1.0"?>' + ET.tostring(instance, encoding="utf-8")


# -- the form's rules evaluated ---------------------------------------------------------

_ODK_FUNCTIONS = ("count-selected", "selected", "coalesce", "if")


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(getattr(value, "string_value", value) or "")


def _parser() -> XPath2Parser:
    parser = XPath2Parser(namespaces={"odk": "urn:odk-functions"})
    parser.external_function(
        lambda a, b: _text(b) in _text(a).split(),
        name="selected",
        prefix="odk",
        sequence_types=("item()*", "item()?", "xs:boolean"),
    )
    parser.external_function(
        lambda a: len(_text(a).split()),
        name="count-selected",
        prefix="odk",
        sequence_types=("item()*", "xs:integer"),
    )
    parser.external_function(
        lambda a, b: _text(a) or _text(b),
        name="coalesce",
        prefix="odk",
        sequence_types=("item()*", "item()*", "xs:string"),
    )
    return parser


def _translated(expression: str) -> str:
    """ODK's functions as odk: ones; secondary instances inside the document; current()."""
    for name in _ODK_FUNCTIONS:
        expression = re.sub(rf"(?<![\w:-]){re.escape(name)}\(", f"odk:{name}(", expression)
    expression = re.sub(r"instance\('([\w-]+)'\)", r"/data/__instance_\1", expression)
    return expression.replace("current()", "$current")


def holds(form: XForm, instance: ET.Element, nodeset: str, index: int = 0) -> bool:
    """Whether the constraint bound to `nodeset` holds at the `index`th node it names."""
    constraint = form.bind(nodeset)["constraint"]
    doc = copy.deepcopy(instance)
    for name in ("officers",):
        holder = ET.SubElement(doc, f"__instance_{name}")
        holder.append(_plain(form.secondary(name)))
    tree = ET.ElementTree(doc)
    path = "./" + "/".join(nodeset.split("/")[2:])
    node = doc.findall(path)[index]
    parser = _parser()
    token = parser.parse(_translated(constraint))
    context = XPathContext(tree, item=node, variables={"current": _text(node.text)})
    return bool(token.boolean_value(token.evaluate(context)))


# -- submissions as Collect, Briefcase and ODK Central hand them over -----------------------

#: A complete engagement as a phone answers it (team alpha of the Barnet sample loadouts).
ANSWERS = {
    "team": "alpha",
    "officer": "pc-hughes",
    "venue_type": "church",
    "interpreter": "no",
    "outcomes": "leaflet_given",
    "start": "2023-09-24T11:55:00.000+01:00",
    "end": "2023-09-24T12:10:00.000+01:00",
    "location": "51.5893 -0.2257 80.0 6.5",
}
GROUP = {
    "group_gender": "male",
    "group_age_band": "age_25_34",
    "group_nationality": "romanian",
    "group_count": "3",
}
CHILD_WITH_SIGNS = {
    "person_gender": "female",
    "person_age_band": "under_18",
    "person_nationality": "romanian",
    "person_signs": "owes_debt",
    "person_consent": "no",
    "person_route": "none",
    "person_interpreter": "none",
}


def write_instance(folder: Path, instance: ET.Element, media: bool = True) -> Path:
    """Collect's layout: instances/NAME/NAME.xml with its media (a photo) beside it."""
    name = (instance.findtext("meta/instanceID") or "x").removeprefix("uuid:")
    here = folder / f"engagement_{name}"
    here.mkdir(parents=True)
    path = here / f"engagement_{name}.xml"
    path.write_bytes(instance_bytes(instance))
    if media:
        (here / "1695552000000.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    return path


def central_csv_zip(path: Path, form_id: str, instances: Sequence[ET.Element]) -> Path:
    """ODK Central's CSV export of `instances`: FORM.csv and FORM-REPEAT.csv in a ZIP."""
    import csv
    import io
    import zipfile

    main_rows, repeats = [], {"people": [], "persons": []}
    for n, inst in enumerate(instances):
        key = inst.findtext("meta/instanceID") or ""
        row: dict[str, str] = {"SubmissionDate": f"2023-09-24T12:{n:02d}:00.000Z"}
        for child in inst:
            name = _local(child.tag)
            if name in repeats:
                entry = {_local(e.tag): e.text or "" for e in child}
                repeats[name].append({**entry, "PARENT_KEY": key, "KEY": f"{key}/{name}[1]"})
            elif name == "location" and child.text:
                lat, lon, alt, acc = child.text.split()
                row |= {
                    "location-Latitude": lat,
                    "location-Longitude": lon,
                    "location-Altitude": alt,
                    "location-Accuracy": acc,
                }
            elif name != "meta":
                row[name] = child.text or ""
        row |= {
            "meta-instanceID": key,
            "KEY": key,
            "SubmitterName": "collect-alpha",
            "FormVersion": inst.get("version") or "",
        }
        main_rows.append(row)

    def text(rows: list[dict[str, str]]) -> str:
        out = io.StringIO()
        names = list(dict.fromkeys(k for r in rows for k in r)) or ["KEY"]
        writer = csv.DictWriter(out, names)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{form_id}.csv", text(main_rows))
        for name, rows in repeats.items():
            archive.writestr(f"{form_id}-{name}.csv", text(rows))
    return path
