package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Free-text search (Filter.Text) finds the findings whose resource ARN,
// resource name, title or reason contains the text, ignoring ASCII case:
// LIKE '%text%' (SQLite) and ILIKE (PostgreSQL) over those four columns
// define the answer. An index made for substrings keeps that from
// reading every finding:
//
//   - SQLite: finding_text, an FTS5 table with the trigram tokenizer,
//     kept by triggers on findings. Its rowids are finding_text_docs.doc,
//     an INTEGER PRIMARY KEY (a VACUUM may renumber the rowids of
//     findings, never those). A query of 3 or more characters asks it for
//     the findings holding the text as a phrase, then tests those with
//     the same LIKE: the trigram tokenizer folds case beyond ASCII, so it
//     may offer a finding LIKE does not match (É for é), never miss one
//     LIKE matches; the answer is LIKE's.
//   - PostgreSQL: one GIN index per column with pg_trgm's gin_trgm_ops,
//     which ILIKE uses as it is (the index only narrows; every row it
//     offers is checked again). Without the extension (it is in
//     PostgreSQL's contrib, and a role that may not create it cannot
//     install it) the index is not made, store_features says why, and
//     text search reads every finding: slower, the same answer.
//
// A trigram index cannot find a text shorter than 3 characters: such a
// query reads every finding the other filters leave, on both backends.

// textIndexVersion is the migration after which the text index is made.
const textIndexVersion = 8

// minTrigram is the shortest text, in characters, a trigram index finds.
const minTrigram = 3

// textColumns are the columns text search looks in.
var textColumns = []string{"resource_arn", "resource_name", "title", "reason"}

// sqliteTextIndex makes finding_text and its triggers, and indexes the
// findings already stored.
func sqliteTextIndex(ctx context.Context, tx *sql.Tx) error {
	cols := strings.Join(textColumns, ", ")
	vals := func(row string) string {
		var out []string
		for _, c := range textColumns {
			out = append(out, row+"."+c)
		}
		return strings.Join(out, ", ")
	}
	var changed []string
	for _, c := range textColumns {
		changed = append(changed, "old."+c+" IS NOT new."+c)
	}
	doc := func(row string) string { return "(SELECT doc FROM finding_text_docs WHERE id = " + row + ".id)" }
	for _, q := range []string{
		`CREATE TABLE finding_text_docs (
    doc INTEGER PRIMARY KEY,
    id  TEXT NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT FAIL
)`,
		`CREATE VIRTUAL TABLE finding_text USING fts5(` + cols + `, content='', contentless_delete=1, tokenize='trigram')`,
		`INSERT INTO finding_text_docs (id) SELECT id FROM findings ORDER BY id`,
		`INSERT INTO finding_text (rowid, ` + cols + `) SELECT d.doc, ` + vals("f") + ` FROM findings f JOIN finding_text_docs d ON d.id = f.id`,
		`CREATE TRIGGER findings_text_insert AFTER INSERT ON findings BEGIN
    INSERT INTO finding_text_docs (id) VALUES (new.id);
    INSERT INTO finding_text (rowid, ` + cols + `) VALUES (` + doc("new") + `, ` + vals("new") + `);
END`,
		`CREATE TRIGGER findings_text_update AFTER UPDATE OF ` + cols + ` ON findings
WHEN ` + strings.Join(changed, " OR ") + ` BEGIN
    DELETE FROM finding_text WHERE rowid = ` + doc("old") + `;
    INSERT INTO finding_text (rowid, ` + cols + `) VALUES (` + doc("new") + `, ` + vals("new") + `);
END`,
		`CREATE TRIGGER findings_text_delete AFTER DELETE ON findings BEGIN
    DELETE FROM finding_text WHERE rowid = ` + doc("old") + `;
    DELETE FROM finding_text_docs WHERE id = old.id;
END`,
		`INSERT INTO store_features (name, detail) VALUES ('text_index', 'fts5-trigram')`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// postgresTextIndex installs pg_trgm if it can and indexes the text
// columns with it; without it, it records why in store_features and
// leaves text search to read the findings.
func postgresTextIndex(ctx context.Context, tx *sql.Tx) error {
	feature := func(detail string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO store_features (name, detail) VALUES ('text_index', $1)`, detail)
		return err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT text_index`); err != nil {
		return err
	}
	// IF NOT EXISTS: the extension is one per database, wherever it was
	// installed; the indexes name its schema.
	if _, err := tx.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm`); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT text_index`); rerr != nil {
			return rerr
		}
		return feature(fmt.Sprintf("none: CREATE EXTENSION pg_trgm: %v; text search reads every finding", err))
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT text_index`); err != nil {
		return err
	}
	var schema string
	if err := tx.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_trgm'`).Scan(&schema); err != nil {
		return fmt.Errorf("pg_trgm's schema: %w", err)
	}
	ops := pgx.Identifier{schema, "gin_trgm_ops"}.Sanitize()
	for _, c := range textColumns {
		if _, err := tx.ExecContext(ctx, `CREATE INDEX findings_text_`+c+` ON findings USING gin (`+c+` `+ops+`)`); err != nil {
			return err
		}
	}
	return feature("pg_trgm")
}

// text adds to w the condition that one of the text columns
// contains text, ignoring ASCII case.
func (w *where) text(text string) {
	pat := "%" + likeEscape(text) + "%"
	var likes []string
	for _, c := range textColumns {
		likes = append(likes, c+" "+w.d.ilike+` ? ESCAPE '\'`)
	}
	if w.d.fts && utf8.RuneCountInString(text) >= minTrigram {
		// A phrase of the trigram tokenizer matches where the text is a
		// substring; a double quote in it is doubled.
		w.add(`id IN (SELECT d.id FROM finding_text_docs d WHERE d.doc IN (SELECT rowid FROM finding_text WHERE finding_text MATCH ?))`,
			`"`+strings.ReplaceAll(text, `"`, `""`)+`"`)
	}
	w.add("("+strings.Join(likes, " OR ")+")", pat, pat, pat, pat)
}

// TextIndex says how the store finds text: "fts5-trigram" (SQLite),
// "pg_trgm" (PostgreSQL), or "none: why" (PostgreSQL without pg_trgm:
// text search reads every finding).
func (s *sqlStore) TextIndex(ctx context.Context) (string, error) {
	var detail string
	if err := s.r.QueryRowContext(ctx, `SELECT detail FROM store_features WHERE name = 'text_index'`).Scan(&detail); err != nil {
		return "", s.errorf("text index: %w", err)
	}
	return detail, nil
}
