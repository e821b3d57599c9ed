//! The device inventory: windowsAutopilotDeviceIdentities (filter, paging, get by id),
//! importedWindowsAutopilotDeviceIdentities, and the control routes that fill them.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

const DEVICES: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
const IMPORTED: &str = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";

fn by_serial(filter_value: &str) -> String {
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "$filter",
            &format!("contains(serialNumber,'{filter_value}')"),
        )
        .finish();
    format!("{DEVICES}?{q}")
}

async fn add(sim: &Sim, devices: Value) -> Value {
    let (status, body) = sim
        .control(Method::POST, "/_sim/devices", Some(devices))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn get_json(sim: &Sim, path: &str) -> (u16, Value) {
    let res = sim.call(Method::GET, path, Some(RO)).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// The path and query of an absolute `@odata.nextLink` (the in-process client takes paths).
fn path_of(link: &str) -> String {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    rest[rest.find('/').unwrap()..].to_string()
}

#[tokio::test]
async fn a_device_visible_at_once_with_its_import_record() {
    let sim = start(&["--freeze-clock"]).await;
    add(
        &sim,
        json!({"serialNumber": " SN-A1 ", "groupTag": "Sales"}),
    )
    .await;
    let (status, page) = get_json(&sim, &by_serial("sn-a1")).await;
    assert_eq!(status, 200, "{page}");
    let devices = page["value"].as_array().unwrap();
    assert_eq!(devices.len(), 1, "contains() is case-insensitive here");
    let d = &devices[0];
    assert_eq!(d["serialNumber"], "SN-A1", "serial trimmed");
    assert_eq!(d["groupTag"], "Sales");
    assert_eq!(d["deploymentProfileAssignmentStatus"], "notAssigned");
    assert_eq!(d["enrollmentState"], "notContacted");
    assert!(page.get("@odata.nextLink").is_none());
    assert!(page["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("windowsAutopilotDeviceIdentities"));

    let id = d["id"].as_str().unwrap();
    let (status, one) = get_json(&sim, &format!("{DEVICES}/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["serialNumber"], "SN-A1");
    assert!(one["@odata.context"].as_str().unwrap().ends_with("$entity"));

    let (_, imported) = get_json(&sim, IMPORTED).await;
    let record = &imported["value"][0];
    assert_eq!(record["serialNumber"], "SN-A1");
    assert_eq!(record["state"]["deviceImportStatus"], "complete");
    assert_eq!(record["state"]["deviceRegistrationId"], id);
    let import_id = record["id"].as_str().unwrap();
    let (status, one) = get_json(&sim, &format!("{IMPORTED}/{import_id}")).await;
    assert_eq!((status, &one["state"]["deviceErrorCode"]), (200, &json!(0)));
}

#[tokio::test]
async fn after_sync_never_and_a_slow_import() {
    let sim = start(&["--freeze-clock"]).await;
    add(
        &sim,
        json!([
            {"serialNumber": "SN-SYNC", "visible": "afterSync"},
            {"serialNumber": "SN-NEVER", "visible": "never"},
            {"serialNumber": "SN-SLOW", "importDurationMs": 5000}
        ]),
    )
    .await;
    let count = |page: &Value| page["value"].as_array().unwrap().len();
    assert_eq!(count(&get_json(&sim, DEVICES).await.1), 0);
    let (_, imported) = get_json(&sim, IMPORTED).await;
    let status_of = |serial: &str| {
        imported["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["serialNumber"] == serial)
            .unwrap()["state"]["deviceImportStatus"]
            .clone()
    };
    assert_eq!(status_of("SN-SLOW"), "unknown", "still processing");
    assert_eq!(status_of("SN-SYNC"), "complete");
    sim.advance(5_000).await;
    assert_eq!(
        count(&get_json(&sim, DEVICES).await.1),
        1,
        "SN-SLOW after its import"
    );

    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(29_999).await;
    assert_eq!(
        count(&get_json(&sim, &by_serial("SN-SYNC")).await.1),
        0,
        "while the sync runs"
    );
    sim.advance(1).await;
    assert_eq!(
        count(&get_json(&sim, &by_serial("SN-SYNC")).await.1),
        1,
        "when the sync ends"
    );
    sim.advance(3_600_000).await;
    assert_eq!(count(&get_json(&sim, &by_serial("SN-NEVER")).await.1), 0);
    let (_, view) = sim.control(Method::GET, "/_sim/devices", None).await;
    assert_eq!(view[1]["serialNumber"], "SN-NEVER");
    assert_eq!(view[1]["listed"], false);
    assert_eq!(view[0]["listed"], true);
}

#[tokio::test]
async fn import_error_808_and_profile_assigned_or_failed() {
    let sim = start(&["--freeze-clock"]).await;
    add(
        &sim,
        json!({"devices": [
            {"serialNumber": "SN-808", "importError": {"code": 808, "name": "ZtdDeviceAssignedToOtherTenant"}},
            {"serialNumber": "SN-OK", "profileAfterMs": 60000},
            {"serialNumber": "SN-BAD", "profileAfterMs": 1000, "profileResult": "failed"}
        ]}),
    )
    .await;
    let (_, imported) = get_json(&sim, IMPORTED).await;
    let state = &imported["value"][0]["state"];
    assert_eq!(state["deviceImportStatus"], "error");
    assert_eq!(state["deviceErrorCode"], 808);
    assert_eq!(state["deviceErrorName"], "ZtdDeviceAssignedToOtherTenant");
    assert_eq!(state["deviceRegistrationId"], "");
    assert_eq!(
        get_json(&sim, &by_serial("SN-808")).await.1["value"],
        json!([])
    );

    let profile = |page: &Value| page["value"][0]["deploymentProfileAssignmentStatus"].clone();
    assert_eq!(
        profile(&get_json(&sim, &by_serial("SN-OK")).await.1),
        "pending"
    );
    sim.advance(1_000).await;
    let bad = get_json(&sim, &by_serial("SN-BAD")).await.1;
    assert_eq!(profile(&bad), "failed");
    assert_eq!(
        bad["value"][0]["deploymentProfileAssignmentDetailedStatus"],
        "hardwareRequirementsNotMet"
    );
    sim.advance(59_000).await;
    let ok = get_json(&sim, &by_serial("SN-OK")).await.1;
    assert_eq!(profile(&ok), "assignedInSync");
    assert_ne!(
        ok["value"][0]["deploymentProfileAssignedDateTime"],
        "0001-01-01T00:00:00Z"
    );
}

#[tokio::test]
async fn eq_and_other_filters_are_refused_like_intune() {
    let sim = start(&[]).await;
    for filter in [
        "serialNumber eq 'SN-1'",
        "startswith(serialNumber,'SN')",
        "contains(groupTag,'x')",
    ] {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("$filter", filter)
            .finish();
        let res = sim
            .call(Method::GET, &format!("{DEVICES}?{q}"), Some(RO))
            .await;
        assert_eq!(res.status(), 400, "{filter}");
        let err = graph_error(res).await;
        assert_eq!(err["code"], "BadRequest");
        assert!(nested(&err)["Message"]
            .as_str()
            .unwrap()
            .starts_with("An error has occurred - Operation ID"));
    }
    let res = sim
        .call(Method::GET, &format!("{DEVICES}?$top=0"), Some(RO))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn three_pages_through_next_links() {
    let sim = start(&["--device-page-size", "2"]).await;
    let serials = ["SN-05", "SN-01", "SN-04", "SN-02", "SN-03", "OTHER"];
    add(
        &sim,
        Value::Array(serials.iter().map(|s| json!({"serialNumber": s})).collect()),
    )
    .await;
    let mut link = Some(by_serial("SN-"));
    let mut pages = Vec::new();
    while let Some(path) = link.take() {
        let (status, page) = get_json(&sim, &path).await;
        assert_eq!(status, 200, "{page}");
        pages.push(
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["serialNumber"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
        );
        if let Some(next) = page["@odata.nextLink"].as_str() {
            assert!(next.starts_with("http://"), "{next}");
            assert!(next.contains("skiptoken=LastSerialNumber"), "{next}");
            link = Some(path_of(next));
        }
        assert!(pages.len() <= 3, "{pages:?}");
    }
    assert_eq!(
        pages,
        [
            vec!["SN-01", "SN-02"],
            vec!["SN-03", "SN-04"],
            vec!["SN-05"]
        ]
    );
    // $top lowers the page size; the config API changes it.
    let (_, page) = get_json(&sim, &format!("{DEVICES}?$top=1")).await;
    assert_eq!(page["value"].as_array().unwrap().len(), 1);
    assert!(page["@odata.nextLink"]
        .as_str()
        .unwrap()
        .contains("%24top=1"));
    sim.control(
        Method::PATCH,
        "/_sim/config",
        Some(json!({"devicePageSize": 10})),
    )
    .await;
    let (_, page) = get_json(&sim, DEVICES).await;
    assert_eq!(page["value"].as_array().unwrap().len(), 6);
    assert!(page.get("@odata.nextLink").is_none());
}

#[tokio::test]
async fn reads_need_a_token_unknown_ids_are_404_and_reset_empties_the_inventory() {
    let sim = start(&[]).await;
    add(&sim, json!({"serialNumber": "SN-1"})).await;
    assert_eq!(sim.call(Method::GET, DEVICES, None).await.status(), 401);
    assert_eq!(sim.call(Method::GET, DEVICES, Some(RW)).await.status(), 200);
    assert_eq!(
        sim.call(Method::POST, DEVICES, Some(RW)).await.status(),
        405
    );
    let res = sim
        .call(
            Method::GET,
            &format!("{DEVICES}/00000000-0000-0000-0000-000000000001"),
            Some(RO),
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(graph_error(res).await["code"], "ResourceNotFound");
    for bad in [
        json!({"serialNumber": "  "}),
        json!({"serialNumber": "x", "colour": 1}),
        json!({"visible": "now"}),
        json!(7),
    ] {
        let (status, body) = sim
            .control(Method::POST, "/_sim/devices", Some(bad.clone()))
            .await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(json!({"devicePageSize": 0})),
        )
        .await;
    assert_eq!(status, 400);
    // Adding a serial again replaces it.
    add(&sim, json!({"serialNumber": "sn-1", "groupTag": "again"})).await;
    let (_, view) = sim.control(Method::GET, "/_sim/devices", None).await;
    assert_eq!(view.as_array().unwrap().len(), 1);
    assert_eq!(view[0]["groupTag"], "again");
    sim.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(
        sim.control(Method::GET, "/_sim/devices", None).await.1,
        json!([])
    );
    add(&sim, json!({"serialNumber": "SN-2"})).await;
    assert_eq!(
        sim.control(Method::DELETE, "/_sim/devices", None).await.0,
        204
    );
    assert_eq!(get_json(&sim, DEVICES).await.1["value"], json!([]));
}
