"""Storage: what DigitPad keeps on disk. Atomic file writes (`files`), model files and their cards
(`model_io`, `cards`), the user's models folder and active model (`models`) and the samples
database with its schema and export files (`samples`, `sample_schema`, `sample_records`,
`sample_files`). Qt-free; imports only the base modules."""
