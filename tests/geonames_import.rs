//! `geoevents places import-geonames`: GeoNames dump rows (fixtures in
//! `tests/fixtures/geonames/`, written by hand in the 19-column format)
//! become place-table rows, merged against a curated table.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::{assert_exit, repo, stderr, stdout, Workdir, EVENTS_HEADER, PLACES};
use serde_json::Value;

/// A work directory with the curated test table and both fixtures.
fn workdir() -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    for name in ["geonames.txt", "alternateNamesV2.txt"] {
        let fixture = repo().join("tests/fixtures/geonames").join(name);
        wd.write(name, fs::read(fixture).unwrap());
    }
    wd
}

/// Runs the import of `geonames.txt` with the curated `places.csv` and the
/// given options.
fn import(wd: &Workdir, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "places",
        "import-geonames",
        "geonames.txt",
        "--places",
        "places.csv",
    ];
    args.extend_from_slice(extra);
    wd.run(&args)
}

/// The full import of the fixtures: Iraq, Syria, Jordan, with alternate names.
fn imported() -> (Workdir, std::process::Output) {
    let wd = workdir();
    let out = import(
        &wd,
        &[
            "--country",
            "IQ,SY,JO",
            "--alternate-names",
            "alternateNamesV2.txt",
            "--out",
            "imported.csv",
            "--report",
            "report.csv",
        ],
    );
    assert_exit(&out, 0);
    (wd, out)
}

/// A CSV file's rows as maps from column to value, by their `key` column.
fn rows_by(text: &str, key: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row[key].clone(), row)
        })
        .collect()
}

/// A place table's rows by id.
fn rows(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    rows_by(text, "id")
}

#[test]
fn rows_become_places_with_kinds_ids_aliases_and_arabic_names() {
    let (wd, _) = imported();
    let text = wd.read("imported.csv");
    assert_eq!(
        text,
        "\
id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source
abu-ghurayb-99062,Abū Ghurayb,city,Abu Ghurayb;Abu Ghraib;ابو غريب,,33.30563,44.18477,07,Iraq,10000,GeoNames 99062 (CC BY 4.0)
al-habbaniyah-98463,Al Ḩabbānīyah,town,Al Habbaniyah;Habbaniya;Habbaniyah;Ḩabbānīyah;Habbaniyya,الحبانية,33.37556,43.57306,01,Iraq,5000,GeoNames 98463 (CC BY 4.0)
amman-250441,Amman,city,Ammán;Ammana;Philadelphia;Rabbath Ammon;عمان,عمّان,31.95522,35.94503,11,Jordan,10000,GeoNames 250441 (CC BY 4.0)
ar-ramadi-98717,Ar Ramādī,city,Ar Ramadi;Ramadi;Ramadie;Ramādī;رمادي,الرمادي,33.42056,43.30778,01,Iraq,10000,GeoNames 98717 (CC BY 4.0)
balad-air-base-6300184,Balad Air Base,base,Al Bakr Air Base;Joint Base Balad;LSA Anaconda;ORBD;Camp Anaconda,قاعدة بلد الجوية,33.94022,44.36159,18,Iraq,2000,GeoNames 6300184 (CC BY 4.0)
hajin-170581,Hajīn,town,Hajin;Hajine;هجين,,34.69556,40.83278,05,Syria,5000,GeoNames 170581 (CC BY 4.0)
muhafazat-dayr-az-zawr-170792,Muḩāfaẓat Dayr az Zawr,governorate,Muhafazat Dayr az Zawr;Dayr az Zawr;Deir ez-Zor;Deir ez-Zor Governorate;Deir Ezzor;محافظة دير الزور,,35.2500,40.5000,05,Syria,150000,GeoNames 170792 (CC BY 4.0)
queen-alia-international-airport-6297318,Queen Alia International Airport,site,AMM;OJAI;Amman Queen Alia;Queen Alia Airport;مطار الملكة علياء الدولي,,31.72262,35.99316,16,Jordan,2000,GeoNames 6297318 (CC BY 4.0)
republic-of-iraq-99237,Republic of Iraq,country,Irak;Iraq;Iraq Republic;al-Jumhuriyah al-Iraqiyah;العراق,,33.0000,44.0000,,Iraq,500000,GeoNames 99237 (CC BY 4.0)
"
    );
    let places = rows(&text);
    let kind = |id: &str| places[id]["kind"].as_str();
    // P.PPLA and P.PPLC are cities; a P.PPL of 189 000 people too; the rest towns.
    assert_eq!(kind("ar-ramadi-98717"), "city");
    assert_eq!(kind("amman-250441"), "city");
    assert_eq!(kind("abu-ghurayb-99062"), "city");
    assert_eq!(kind("al-habbaniyah-98463"), "town");
    // S.AIRB is a base, S.AIRP a site; A.ADM1 a governorate, A.PCLI a country.
    assert_eq!(kind("balad-air-base-6300184"), "base");
    assert_eq!(kind("queen-alia-international-airport-6297318"), "site");
    assert_eq!(kind("muhafazat-dayr-az-zawr-170792"), "governorate");
    assert_eq!(kind("republic-of-iraq-99237"), "country");

    let aliases = |id: &str| -> Vec<String> {
        places[id]["aliases"]
            .split(';')
            .map(str::to_string)
            .collect()
    };
    // The name is not repeated; the ASCII name comes first; the Arabic
    // name of alternateNamesV2 (the preferred one) is name_ar, another
    // Arabic name stays an alias.
    assert!(!aliases("ar-ramadi-98717").contains(&"Ar Ramādī".to_string()));
    assert_eq!(aliases("ar-ramadi-98717")[0], "Ar Ramadi");
    assert_eq!(places["ar-ramadi-98717"]["name_ar"], "الرمادي");
    assert!(aliases("ar-ramadi-98717").contains(&"رمادي".to_string()));
    // A transliteration from alternateNamesV2; its link and postal code left out.
    let habbaniyah = aliases("al-habbaniyah-98463");
    assert!(habbaniyah.contains(&"Habbaniyya".to_string()));
    assert!(!habbaniyah
        .iter()
        .any(|a| a.contains("wikipedia") || a == "31007"));
    assert_eq!(
        habbaniyah.iter().filter(|a| *a == "Habbaniyah").count(),
        1,
        "no repeats"
    );
    // Airport codes stay on an airport and a base, not on a city; links go.
    assert!(aliases("queen-alia-international-airport-6297318").contains(&"AMM".to_string()));
    assert!(aliases("balad-air-base-6300184").contains(&"ORBD".to_string()));
    assert!(!aliases("amman-250441").contains(&"AMM".to_string()));
    assert!(!aliases("republic-of-iraq-99237")
        .iter()
        .any(|a| a.starts_with("http")));
    // Coordinates with fewer than 4 decimals are padded; admin1 is the
    // GeoNames code, empty for a country.
    assert_eq!(
        (
            places["republic-of-iraq-99237"]["lat"].as_str(),
            places["republic-of-iraq-99237"]["admin1"].as_str()
        ),
        ("33.0000", "")
    );
}

#[test]
fn curated_rows_win_and_every_decision_is_reported() {
    let (wd, out) = imported();
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "geoevents: 15 rows read from geonames.txt: 13 of IQ,JO,SY and class P,S,A (1 of them with no place kind or no country), 1 of other countries, 1 of other classes",
            "geoevents: alternate names from alternateNamesV2.txt: 9 names for 4 places; left out: fr_1793 1, iata 1, link 1, post 1, unlc 1, wkdt 1",
            "geoevents: merged with places.csv (4 curated places): 9 kept, 2 lost to a curated place, 1 duplicate within the import, 1 skipped",
            "geoevents: curated wins: muhafazat-al-anbar-99592 (Muḩāfaẓat al Anbār, governorate, A.ADM1, line 5) is anbar-governorate (Al-Anbar Governorate): both are called \"anbar\" once normalised, 76.7 km apart (within 400 km)",
            "geoevents: curated wins: al-asad-air-base-6300178 (Al Asad Air Base, base, S.AIRB, line 8) is al-asad-air-base (Al-Asad Air Base): both are called \"asad air base\" once normalised, 0.0 km apart (within 25 km)",
        ]
    );
    assert!(err.contains("geoevents: duplicate: ramadi-8226123 (Ramadi, town, P.PPLX, line 10) is ar-ramadi-98717 (Ar Ramādī): both are called \"ramadi\" once normalised, 2.0 km apart"), "{err}");
    assert!(err.contains("geoevents: skipped: geonameid 99451 (Qaḑā’ al Fallūjah, no kind, A.ADM2, line 7): feature code A.ADM2 has no place kind"), "{err}");
    assert_eq!(err.matches("geoevents: kept: ").count(), 9);
    assert!(err.ends_with("geoevents: wrote 9 places to imported.csv; review them, then append them to the place table with: tail -n +2 imported.csv >> places.csv\n"), "{err}");

    let imported = wd.read("imported.csv");
    assert!(!imported.contains("6300178") && !imported.contains("99592"));
    assert!(
        !imported.contains("8226123"),
        "the smaller duplicate is left out"
    );

    let report = wd.read("report.csv");
    assert!(report.starts_with("decision,id,geonameid,line,name,kind,feature,country,lat,lon,other_id,other_name,distance_km,why\n"));
    let by_geonameid = rows_by(&report, "geonameid");
    assert_eq!(by_geonameid.len(), 13, "every selected row has a decision");
    let asad = &by_geonameid["6300178"];
    assert_eq!(
        (
            asad["decision"].as_str(),
            asad["other_id"].as_str(),
            asad["distance_km"].as_str(),
            asad["kind"].as_str()
        ),
        ("curated-wins", "al-asad-air-base", "0.0", "base")
    );
    assert_eq!(by_geonameid["99592"]["other_id"], "anbar-governorate");
    assert_eq!(by_geonameid["8226123"]["decision"], "duplicate");
    assert_eq!(by_geonameid["8226123"]["other_id"], "ar-ramadi-98717");
    assert_eq!(by_geonameid["99451"]["decision"], "skipped");
    assert_eq!(by_geonameid["98463"]["decision"], "kept");
    assert!(
        !by_geonameid.contains_key("6299683"),
        "filtered rows are only counted"
    );
}

#[test]
fn the_output_loads_geocodes_and_builds_with_the_curated_table() {
    let (wd, _) = imported();
    let imported = wd.read("imported.csv");
    // What `tail -n +2 imported.csv >> places.csv` does.
    let body = imported.split_once('\n').unwrap().1;
    wd.write("combined.csv", format!("{PLACES}{body}"));

    let out = wd.run(&[
        "geocode",
        "--places",
        "combined.csv",
        "--format",
        "json",
        "Habbaniya",
        "Habbaniyya",
        "الحبانية",
        "ORBD",
        "Joint Base Balad",
        "near Hajin",
        "Deir ez-Zor province",
        "Ayn al-Asad airbase",
        "Anbar",
    ]);
    assert_exit(&out, 0);
    let ids: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "\"al-habbaniyah-98463\"",
            "\"al-habbaniyah-98463\"",
            "\"al-habbaniyah-98463\"",
            "\"balad-air-base-6300184\"",
            "\"balad-air-base-6300184\"",
            "\"hajin-170581\"",
            "\"muhafazat-dayr-az-zawr-170792\"",
            "\"al-asad-air-base\"",
            "\"anbar-governorate\"",
        ]
    );

    wd.write(
        "events.csv",
        format!(
            "{EVENTS_HEADER}\ne1,2024-01-20,attack,rocket,militia,base,Joint Base Balad,,,,,a.txt,\n\
             e2,2024-01-21,strike,airstrike,US,depot,near Habbaniya,,,,,a.txt,\n"
        ),
    );
    let out = wd.run(&[
        "build",
        "--places",
        "combined.csv",
        "--events",
        "events.csv",
        "--out",
        "out",
        "--formats",
        "geojson",
        "--no-map",
        "--no-preview",
        "--strict",
    ]);
    assert_exit(&out, 0);
    let strikes: Value = serde_json::from_str(&wd.read("out/strikes.geojson")).unwrap();
    assert_eq!(
        strikes["features"][0]["properties"]["place_id"],
        "al-habbaniyah-98463"
    );
    let bases: Value = serde_json::from_str(&wd.read("out/bases.geojson")).unwrap();
    let base_ids: Vec<&str> = bases["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(base_ids.contains(&"balad-air-base-6300184"), "{base_ids:?}");
}

#[test]
fn filters_choose_countries_classes_and_the_kind_of_military_features() {
    let wd = workdir();
    let ids = |extra: &[&str]| -> Vec<String> {
        let out = import(&wd, extra);
        assert_exit(&out, 0);
        rows(&stdout(&out)).into_keys().collect()
    };
    // Every country by default: the Turkish air base is in.
    let all = ids(&[]);
    assert!(
        all.contains(&"incirlik-air-base-6299683".to_string()),
        "{all:?}"
    );
    assert_eq!(all.len(), 10);
    assert_eq!(
        ids(&["--country", "jo"]),
        ["amman-250441", "queen-alia-international-airport-6297318"]
    );
    assert_eq!(
        ids(&["--country", "SY,JO", "--feature-class", "A,S"]),
        [
            "muhafazat-dayr-az-zawr-170792",
            "queen-alia-international-airport-6297318"
        ]
    );
    assert_eq!(
        ids(&["--country", "IQ", "--feature-class", "P"]),
        [
            "abu-ghurayb-99062",
            "al-habbaniyah-98463",
            "ar-ramadi-98717"
        ]
    );

    let out = import(&wd, &["--country", "TR"]);
    let turkey = rows(&stdout(&out));
    assert_eq!(turkey["incirlik-air-base-6299683"]["country"], "Turkey");
    assert_eq!(turkey["incirlik-air-base-6299683"]["kind"], "base");

    let out = import(&wd, &["--country", "IQ", "--military-kind", "site"]);
    assert_exit(&out, 0);
    let iraq = rows(&stdout(&out));
    assert_eq!(iraq["balad-air-base-6300184"]["kind"], "site");
    assert_eq!(iraq["balad-air-base-6300184"]["uncertainty_m"], "2000");
    // Without alternate names there is no Arabic name, and no stderr noise
    // on stdout: the output is exactly the place table.
    assert_eq!(iraq["ar-ramadi-98717"]["name_ar"], "");
    assert!(stdout(&out).starts_with(common::PLACES_HEADER));
}

#[test]
fn writing_to_standard_output_or_a_file_gives_the_same_rows() {
    let wd = workdir();
    let to_stdout = import(&wd, &["--country", "IQ,SY,JO", "--quiet"]);
    assert_exit(&to_stdout, 0);
    assert_eq!(stderr(&to_stdout), "", "--quiet");
    let to_file = import(&wd, &["--country", "IQ,SY,JO", "--out", "sub/dir/x.csv"]);
    assert_exit(&to_file, 0);
    assert_eq!(stdout(&to_file), "");
    assert_eq!(stdout(&to_stdout), wd.read("sub/dir/x.csv"));
    assert!(stderr(&to_file).ends_with("wrote 9 places to sub/dir/x.csv; review them, then append them to the place table with: tail -n +2 sub/dir/x.csv >> places.csv\n"));
    assert_eq!(wd.list("sub/dir"), ["x.csv"], "no temporary file left");
}

#[test]
fn every_bad_line_is_reported_with_file_line_and_field() {
    let wd = workdir();
    let good = wd.read("geonames.txt");
    let lines: Vec<&str> = good.lines().collect();
    let short = lines[1].rsplit_once('\t').unwrap().0;
    let north = lines[2].replace("33.30563", "33°18′N");
    let mut bad = format!("{}\n{short}\n{north}\n", lines[0]).into_bytes();
    // Latin-1 instead of UTF-8: "Hajîn".
    let latin1 = lines[11].replacen("Hajīn", "Haj\u{0}n", 1);
    let at = latin1.find('\u{0}').unwrap();
    let mut latin1 = latin1.into_bytes();
    latin1[at] = 0xee;
    bad.extend_from_slice(&latin1);
    bad.extend_from_slice(b"\n");
    bad.extend_from_slice(lines[12].as_bytes());
    bad.extend_from_slice(b"\n");
    wd.write("bad.txt", &bad);
    wd.write("imported.csv", "an earlier import\n");

    let out = wd.run(&[
        "places",
        "import-geonames",
        "bad.txt",
        "--places",
        "places.csv",
        "--out",
        "imported.csv",
        "--report",
        "report.csv",
    ]);
    assert_exit(&out, 1);
    assert_eq!(
        stderr(&out),
        "geoevents: error: bad.txt: line 2, field 'modification date': the line has 18 tab-separated fields where this GeoNames format has 19 (geonameid … modification date): \"\"\n\
         geoevents: error: bad.txt: line 3, field 'latitude': expected decimal degrees from -90 to 90, e.g. 33.42056: \"33°18′N\"\n\
         geoevents: error: bad.txt: line 4, field 'name': invalid UTF-8 at byte 3 of the field; save the file as UTF-8\n"
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(wd.read("imported.csv"), "an earlier import\n", "untouched");
    assert!(!wd.exists("report.csv"));
    let mut left = wd.list(".");
    left.retain(|n| n.starts_with('.'));
    assert!(left.is_empty(), "temporary files left: {left:?}");

    // A bad line in the alternate names names that file.
    wd.write(
        "alt.txt",
        "1\t98463\tar\tالحبانية\n2\tx\tar\ty\t\t\t\t\t\t\n",
    );
    let out = import(&wd, &["--alternate-names", "alt.txt"]);
    assert_exit(&out, 1);
    assert_eq!(
        stderr(&out),
        "geoevents: error: alt.txt: line 1, field 'isPreferredName': the line has 4 tab-separated fields where this GeoNames format has 10 (alternateNameId … to): \"\"\n\
         geoevents: error: alt.txt: line 2, field 'geonameid': expected the GeoNames id, a whole number: \"x\"\n"
    );

    // A zip archive, as downloaded.
    wd.write("IQ.zip", b"PK\x03\x04\x14\x00\x00\x00");
    let out = wd.run(&[
        "places",
        "import-geonames",
        "IQ.zip",
        "--places",
        "places.csv",
    ]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("IQ.zip: this is a zip archive, not a GeoNames text file; unpack it")
    );
}

#[test]
fn usage_errors_and_the_curated_table_is_never_overwritten() {
    let wd = workdir();
    let out = import(&wd, &["--feature-class", "H"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("feature class \"H\" has no place kind"));
    let out = import(&wd, &["--country", "IRQ"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("not an ISO 3166-1 alpha-2 country code"));

    let out = import(&wd, &["--out", "./places.csv"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("--out is the curated place table (--places)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(wd.read("places.csv"), PLACES);
}
