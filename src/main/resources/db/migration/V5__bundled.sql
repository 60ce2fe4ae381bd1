-- Versions added at start-up from the examples shipped in the jar. A bundled example is added only
-- while its name holds nothing but bundled versions, so it never goes on top of a user's function
-- or workflow of the same name. Rows written before this column existed read as a user's; the
-- start-up treats those whose content equals a shipped example as bundled (see BundledContent).
ALTER TABLE function_version ADD COLUMN bundled BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE workflow_version ADD COLUMN bundled BOOLEAN DEFAULT FALSE NOT NULL;
