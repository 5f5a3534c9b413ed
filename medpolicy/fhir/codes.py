"""Code systems in FHIR: the URI of each named system (the mapping is in ``types.py``).

A named system has its canonical FHIR URI (ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``,
SNOMED ``http://snomed.info/sct`` ...); any other system name lives under the
table's base URL. Each code of a case is one ``valueCoding`` answer; reading
back, a ``valueCoding`` (its system, when given, must be the fact's) or a
``valueString`` is one code, and the list is checked and normalized as a
case's list is.
"""

from __future__ import annotations

from medpolicy.tables.model import Fact

SYSTEM_URIS = {
    "ICD-10-CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "ICD-10-PCS": "http://www.cms.gov/Medicare/Coding/ICD10",
    "CPT": "http://www.ama-assn.org/go/cpt",
    "HCPCS": "urn:oid:2.16.840.1.113883.6.285",
    "SNOMED": "http://snomed.info/sct",
}


def system_uri(fact: Fact, base_url: str) -> str:
    """The FHIR code system URI of a codes fact's system (another name: under ``base_url``)."""
    return SYSTEM_URIS.get(fact.system, f"{base_url}/CodeSystem/{fact.system}")
