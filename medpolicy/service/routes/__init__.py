"""One router per resource: health, policies, tables (validate, check, diff, edits),
workbench, fhir (Questionnaire, $next-question, CRD, PAS)."""
