# Integrity pact texts, ceremonies and signed pacts arrive with issue #4.
