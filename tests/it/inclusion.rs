//! The inclusion figures page and its CSV: counted over rights of use in force, checked against
//! an independent SQL count, and an expired right stops counting.

use axum::body::Body;
use axum::http::{Request, header};
use sea_orm::{ConnectionTrait, Statement};

use crate::officer_ui::sign_in;
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>, lang: &str) -> Reply {
    let mut req = Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, lang);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

/// (producers, women-led, youth-led) with a right in force today, counted in SQL.
async fn counted_in_sql(app: &TestApp) -> (i64, i64, i64) {
    let today = chrono::Utc::now().date_naive().to_string();
    let sql = format!(
        "SELECT COUNT(DISTINCT p.id) AS n, \
           COUNT(DISTINCT CASE WHEN p.women_led THEN p.id END) AS w, \
           COUNT(DISTINCT CASE WHEN p.youth_led THEN p.id END) AS y \
         FROM memberships m JOIN producers p ON p.id = m.producer \
           JOIN brands b ON b.number = m.brand \
         WHERE m.status = 'active' AND b.status = 'active' \
           AND m.valid_from <= '{today}' AND m.valid_until >= '{today}'"
    );
    let conn = app.conn();
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get("", "n").unwrap(),
        row.try_get("", "w").unwrap(),
        row.try_get("", "y").unwrap(),
    )
}

/// The CSV's rows as (group, key, producers, women_led, youth_led).
fn rows(csv: &str) -> Vec<(String, String, i64, i64, i64)> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "day,group,key,name,producers,women_led,women_led_pct,youth_led,youth_led_pct"
    );
    lines
        .map(|l| {
            // No name in the seeds holds a comma or a quote, so a plain split is exact here.
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 9, "{l}");
            (
                f[1].to_owned(),
                f[2].to_owned(),
                f[4].parse().unwrap(),
                f[5].parse().unwrap(),
                f[7].parse().unwrap(),
            )
        })
        .collect()
}

fn total(rows: &[(String, String, i64, i64, i64)]) -> (i64, i64, i64) {
    let all = rows.iter().find(|r| r.0 == "all").expect("a total row");
    (all.2, all.3, all.4)
}

#[tokio::test]
async fn figures_count_rights_in_force_and_drop_an_expired_one() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, &app.db.config.admin_email, PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("sign-in failed: {}", r.status));

    // Signed out, the figures are not served.
    let anon = get(&app, "/officer/inclusion.csv", None, "en").await;
    assert_ne!(anon.status, 200);

    let csv = get(&app, "/officer/inclusion.csv", Some(&cookie), "en").await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type().starts_with("text/csv"));
    let before = rows(&csv.text());
    let sql = counted_in_sql(&app).await;
    assert!(
        sql.0 > 0 && sql.1 > 0,
        "the demo registry has women-led members: {sql:?}"
    );
    assert_eq!(total(&before), sql);
    // Every producer is in exactly one region and one kind.
    for group in ["region", "kind"] {
        let sum: i64 = before.iter().filter(|r| r.0 == group).map(|r| r.2).sum();
        assert_eq!(sum, sql.0, "{group}");
    }

    // A women-led producer whose every right expired yesterday stops counting.
    let conn = app.conn();
    let backend = conn.get_database_backend();
    let today = chrono::Utc::now().date_naive().to_string();
    let pick = conn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT p.id AS id FROM producers p JOIN memberships m ON m.producer = p.id \
                 WHERE p.women_led AND m.status = 'active' AND m.valid_from < '{today}' \
                   AND m.valid_until >= '{today}' ORDER BY p.id LIMIT 1"
            ),
        ))
        .await
        .unwrap()
        .expect("a women-led producer with a right in force");
    let id: i64 = pick.try_get("", "id").unwrap();
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    conn.execute_raw(Statement::from_string(
        backend,
        format!(
            "UPDATE memberships SET valid_until = '{yesterday}' \
             WHERE producer = {id} AND valid_from <= '{yesterday}'"
        ),
    ))
    .await
    .unwrap();
    conn.execute_raw(Statement::from_string(
        backend,
        format!("DELETE FROM memberships WHERE producer = {id} AND valid_from > '{yesterday}'"),
    ))
    .await
    .unwrap();
    let after = rows(
        &get(&app, "/officer/inclusion.csv", Some(&cookie), "en")
            .await
            .text(),
    );
    let (n, w, _) = total(&after);
    assert_eq!((n, w), (sql.0 - 1, sql.1 - 1));
    assert_eq!(total(&after), counted_in_sql(&app).await);

    // The page, in French: the definitions and translated groups, no raw kind word.
    let page = get(&app, "/officer/inclusion", Some(&cookie), "fr").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Indicateurs d&#x27;inclusion") || html.contains("Indicateurs d'inclusion")
    );
    assert!(html.contains("en vigueur aujourd"));
    assert!(html.contains("Coopérative"));
    assert!(!html.contains(">cooperative<"));
}
