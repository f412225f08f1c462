"""The questions organisers add to their event's forms (registration, evaluation): kinds of answer,
the builder's services, forms and pages, and the fields and answers built from the questions."""
