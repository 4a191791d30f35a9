//! Migrations go up and down cleanly; seeding is idempotent.

use migration::{Migrator, MigratorTrait};
use sea_orm::{EntityTrait, QueryOrder};
use tasdiq::entity::{brand, membership, membership_event, producer};

use crate::support::{TestDb, repo};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let t = TestDb::new().await;
    let db = t.connect().await;
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());
    assert_eq!(
        tasdiq::entity::region::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .len(),
        12
    );

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(&db).await.unwrap().len(),
        0
    );
    assert!(
        brand::Entity::find().all(&db).await.is_err(),
        "tables must be gone"
    );

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(brand::Entity::find().all(&db).await.unwrap().len(), 0);
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let t = TestDb::new().await;
    let db = t.connect().await;
    Migrator::up(&db, None).await.unwrap();
    let set = tasdiq::seed::load_dir(&repo().join("seeds")).unwrap();

    let first = tasdiq::store::seed::apply(&db, &set, "test").await.unwrap();
    assert!(first.brands.inserted >= 77);
    assert!(first.producers.inserted >= 300);
    assert!(first.memberships.inserted >= 300);

    let snapshot = || async {
        (
            brand::Entity::find()
                .order_by_asc(brand::Column::Number)
                .all(&db)
                .await
                .unwrap(),
            producer::Entity::find()
                .order_by_asc(producer::Column::Id)
                .all(&db)
                .await
                .unwrap(),
            membership::Entity::find()
                .order_by_asc(membership::Column::Id)
                .all(&db)
                .await
                .unwrap(),
            membership_event::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .len(),
            tasdiq::store::audit::list(&db, 500, 0).await.unwrap().total,
        )
    };
    let before = snapshot().await;
    let second = tasdiq::store::seed::apply(&db, &set, "test").await.unwrap();
    for r in [
        second.regions,
        second.brands,
        second.producers,
        second.memberships,
    ] {
        assert_eq!((r.inserted, r.updated), (0, 0), "{second:?}");
    }
    assert_eq!(snapshot().await, before);
}

#[tokio::test]
async fn bad_seed_files_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["brands.json", "producers.json", "memberships.json"] {
        std::fs::copy(repo().join("seeds").join(f), dir.path().join(f)).unwrap();
    }
    let mut m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("memberships.json")).unwrap(),
    )
    .unwrap();
    m[0]["producer_ice"] = "999999999999999".into();
    std::fs::write(dir.path().join("memberships.json"), m.to_string()).unwrap();
    let err = tasdiq::seed::load_dir(dir.path()).unwrap_err();
    assert!(err.contains("no such producer"), "{err}");
}

#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_given() {
    use sea_orm::DbBackend;
    let t = TestDb::new().await;
    let db = t.connect().await;
    let want = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => DbBackend::Postgres,
        _ => DbBackend::Sqlite,
    };
    assert_eq!(db.get_database_backend(), want);
    assert_eq!(t.is_postgres(), want == DbBackend::Postgres);
}
