-- An incident's record keeps what it was confirmed with: severity, reason, layer, phase and message
-- never change after it opens (the reliability record counts incidents by them). The severity in
-- force while it is open can rise and fall (an outage confirmed during a degradation, the outage over
-- while the degradation holds); that is current_severity, and each change is on the timeline.
-- NULL on incidents recorded before this migration: their severity column was the one in force.
ALTER TABLE incidents ADD COLUMN current_severity TEXT;
