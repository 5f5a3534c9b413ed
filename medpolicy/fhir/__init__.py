"""FHIR R4 and the Da Vinci guides: the table as a DTR Questionnaire, a
QuestionnaireResponse as a case, the adaptive next question, the CRD
coverage-information extension and the PAS ClaimResponse.

Every resource is built as a plain dict and validated with the ``fhir.resources``
R4B models (the optional ``fhir`` extra) before it is returned; nothing here
imports ``fhir.resources`` until a resource is built or read, so importing
``medpolicy.fhir`` stays cheap.

Modules: ``types`` (one mapping per fact type), ``questionnaire``, ``response``
(QuestionnaireResponse <-> case), ``adaptive`` (SDC next question), ``crd``,
``pas``, ``endpoints`` (pure functions a service router calls), ``resources``
(validation with ``fhir.resources``).
"""
