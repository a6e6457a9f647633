//! Pictures: every `<img>` sized from its file, resized variants that are
//! never wider than their source, alt text required, featured images, bad
//! files refused with the file and the page named, and the cache. The image
//! files are made here with the `image` crate (photos of noise and
//! gradients, so they compress like photos).

use crate::common::{Site, jpeg};
use image::{ImageEncoder, Rgba, RgbaImage};

/// `jpeg` with an EXIF block saying "rotate 90° clockwise to show" (6).
fn rotated_jpeg(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h);
    // TIFF header (little endian), one IFD entry: Orientation (0x0112), SHORT, 1, 6.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn png_with_alpha(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| {
        Rgba([
            200,
            (x % 256) as u8,
            (y % 256) as u8,
            if x < w / 2 { 0 } else { 255 },
        ])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn gif(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, _| Rgba([(x % 256) as u8, 0, 0, 255]));
    let mut out = Vec::new();
    image::codecs::gif::GifEncoder::new(&mut out)
        .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200"><rect width="320" height="200" fill="#369"/></svg>"##;

const ARTICLE: &str = "---\ntitle: Pictures from the offsite\ndate: 2026-03-01\nlevel: pooled\nimage: whiteboard.jpg\nimage_alt: A coach and a manager at a whiteboard\n---\n\nBefore.\n\n![Sticky notes of the team, sorted into three columns](notes.jpg)\n\n![A turned photo of the room](turned.jpg \"The room\")\n\n![Our logo on a clear background](logo.png)\n\n![A diagram of the three levels](levels.svg)\n\n![A moving arrow](arrow.gif)\n\n![The hall, from static](/images/hall.jpg)\n";

/// The fixture site with a page bundle of every kind of picture.
fn pictures_site() -> Site {
    let site = Site::fixture("basic");
    let dir = "content/articles/offsite";
    site.write(&format!("{dir}/index.md"), ARTICLE);
    site.write(&format!("{dir}/whiteboard.jpg"), jpeg(2400, 1600));
    site.write(&format!("{dir}/notes.jpg"), jpeg(1200, 900));
    site.write(&format!("{dir}/turned.jpg"), rotated_jpeg(800, 600));
    site.write(&format!("{dir}/logo.png"), png_with_alpha(640, 320));
    site.write(&format!("{dir}/levels.svg"), SVG);
    site.write(&format!("{dir}/arrow.gif"), gif(60, 40));
    site.write("static/images/hall.jpg", jpeg(300, 200));
    site
}

/// Every `<img ...>` tag of some HTML.
fn img_tags(html: &str) -> Vec<&str> {
    html.match_indices("<img ")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The (URL, width) pairs of a srcset.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

fn decoded(site: &Site, url: &str) -> image::DynamicImage {
    let path = site.path("public").join(url.trim_start_matches('/'));
    image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_picture_is_sized_from_its_file_and_photos_get_variants_never_wider_than_themselves() {
    let site = pictures_site();
    site.build();
    let html = site.output("articles/offsite/index.html");
    let tags = img_tags(&html);
    // featured + six in the body
    assert_eq!(tags.len(), 7, "{html}");
    for tag in &tags {
        assert!(
            attr(tag, "width").is_some() && attr(tag, "height").is_some(),
            "{tag}"
        );
        assert!(attr(tag, "decoding") == Some("async"), "{tag}");
        assert!(!attr(tag, "alt").unwrap_or("").is_empty(), "{tag}");
    }
    let by_alt = |alt: &str| *tags.iter().find(|t| attr(t, "alt") == Some(alt)).unwrap();

    // The featured image is the largest paint: eager, first.
    let featured = by_alt("A coach and a manager at a whiteboard");
    assert_eq!(tags[0], featured);
    assert_eq!(attr(featured, "loading"), None, "{featured}");
    assert_eq!(attr(featured, "fetchpriority"), Some("high"));
    assert_eq!(
        (attr(featured, "width"), attr(featured, "height")),
        (Some("2400"), Some("1600"))
    );

    // A 1200-px photo: 480, 960 and its own 1200, as WebP and as JPEG.
    let notes = by_alt("Sticky notes of the team, sorted into three columns");
    assert_eq!(attr(notes, "loading"), Some("lazy"));
    let jpegs = srcset(attr(notes, "srcset").unwrap());
    assert_eq!(
        jpegs.iter().map(|c| c.1).collect::<Vec<_>>(),
        vec![480, 960, 1200]
    );
    for (url, w) in &jpegs {
        assert!(url.ends_with(".jpg"), "{url}");
        let img = decoded(&site, url);
        assert_eq!((img.width(), img.height()), (*w, w * 3 / 4), "{url}");
    }
    let source = html[..html.find(notes).unwrap()]
        .rsplit("<source")
        .next()
        .unwrap();
    assert!(source.contains("type=\"image/webp\""), "{source}");
    let webps = srcset(attr(&format!(" {source}"), "srcset").unwrap());
    assert_eq!(webps.len(), 3);
    for (url, w) in &webps {
        let bytes = std::fs::read(site.path("public").join(url.trim_start_matches('/'))).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            image::ImageFormat::WebP,
            "{url}"
        );
        assert_eq!(decoded(&site, url).width(), *w);
    }

    // EXIF orientation 6: stored 800 × 600, shown 600 × 800, variants upright.
    let turned = by_alt("A turned photo of the room");
    assert_eq!(
        (attr(turned, "width"), attr(turned, "height")),
        (Some("600"), Some("800"))
    );
    assert_eq!(attr(turned, "title"), Some("The room"));
    let first = &srcset(attr(turned, "srcset").unwrap())[0];
    let img = decoded(&site, &first.0);
    assert!(
        img.height() > img.width(),
        "the variant is upright: {}x{}",
        img.width(),
        img.height()
    );

    // Transparency keeps a PNG fallback.
    let logo = by_alt("Our logo on a clear background");
    assert!(
        srcset(attr(logo, "srcset").unwrap())
            .iter()
            .all(|(u, _)| u.ends_with(".png"))
    );
    assert!(
        decoded(&site, attr(logo, "src").unwrap())
            .color()
            .has_alpha()
    );

    // SVG and GIF pass through, sized.
    let svg = by_alt("A diagram of the three levels");
    assert_eq!(
        (attr(svg, "width"), attr(svg, "height"), attr(svg, "srcset")),
        (Some("320"), Some("200"), None)
    );
    assert_eq!(attr(svg, "src"), Some("/articles/offsite/levels.svg"));
    let gif = by_alt("A moving arrow");
    assert_eq!(
        (attr(gif, "width"), attr(gif, "height")),
        (Some("60"), Some("40"))
    );
    assert_eq!(attr(gif, "src"), Some("/articles/offsite/arrow.gif"));

    // A static picture narrower than every width: one variant, its own size.
    let hall = by_alt("The hall, from static");
    assert_eq!(
        srcset(attr(hall, "srcset").unwrap())
            .iter()
            .map(|c| c.1)
            .collect::<Vec<_>>(),
        vec![300]
    );

    // The featured image shows in the article list and the feed.
    let list = site.output("articles/index.html");
    assert!(
        img_tags(&list).iter().any(|t| attr(t, "alt")
            == Some("A coach and a manager at a whiteboard")
            && attr(t, "loading") == Some("lazy")),
        "{list}"
    );
    let feed = site.output("atom.xml");
    assert!(
        feed.contains("rel=\"enclosure\" type=\"image/jpeg\""),
        "{feed}"
    );
    assert!(
        feed.contains("href=\"https://fixture.example.org/articles/offsite/whiteboard.jpg\""),
        "{feed}"
    );
}

#[test]
fn with_images_off_pictures_are_still_sized_but_not_resized() {
    let site = pictures_site();
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n[images]\nenabled = false\n"));
    site.build();
    let html = site.output("articles/offsite/index.html");
    assert!(
        !html.contains("<picture>") && !html.contains("srcset"),
        "{html}"
    );
    let tags = img_tags(&html);
    assert_eq!(tags.len(), 7);
    for tag in tags {
        assert!(
            attr(tag, "width").is_some() && attr(tag, "height").is_some(),
            "{tag}"
        );
    }
    let variants: Vec<String> = site
        .entries("public")
        .into_iter()
        .filter(|e| {
            e.split('.').any(|part| {
                part.len() > 1
                    && part.ends_with('w')
                    && part[..part.len() - 1].chars().all(|c| c.is_ascii_digit())
            })
        })
        .collect();
    assert!(variants.is_empty(), "{variants:?}");
}

#[test]
fn a_second_build_encodes_nothing_and_a_changed_picture_is_encoded_again() {
    let site = pictures_site();
    let first = site.build();
    assert_eq!(first.images.encoded, 5, "{:?}", first.images);
    let second = site.build();
    assert_eq!((second.images.encoded, second.images.cached), (0, 5));
    site.write("content/articles/offsite/notes.jpg", jpeg(1000, 700));
    let third = site.build();
    assert_eq!((third.images.encoded, third.images.cached), (1, 4));
    let html = site.output("articles/offsite/index.html");
    assert!(html.contains("width=\"1000\" height=\"700\""), "{html}");
    // The status line says so.
    let out = site
        .huddle(&["build"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pictures: 0 encoded, 5 from the cache"),
        "{stderr}"
    );
}

#[test]
fn a_variant_or_card_deleted_from_the_output_is_there_again_after_the_next_build() {
    let site = pictures_site();
    site.build();
    let html = site.output("articles/offsite/index.html");
    let img = img_tags(&html)
        .into_iter()
        .find(|t| attr(t, "srcset").is_some())
        .expect("a resized picture");
    let (variant, width) = srcset(attr(img, "srcset").unwrap())[0].clone();
    let card = meta(&html, "og:image").expect("a share card");
    let card = card
        .strip_prefix("https://fixture.example.org")
        .expect("an absolute URL")
        .to_string();
    for url in [&variant, &card] {
        std::fs::remove_file(site.path("public").join(url.trim_start_matches('/'))).unwrap();
    }
    let again = site.build();
    assert_eq!(again.images.encoded, 0, "{:?}", again.images);
    // Copied back from the cache, whole.
    assert_eq!(decoded(&site, &variant).width(), width);
    let c = decoded(&site, &card);
    assert_eq!((c.width(), c.height()), (1200, 630));
}

/// Builds the good pictures site, breaks it, and checks the CLI's failure
/// (`Site::fails_cleanly`).
fn fails(break_it: impl FnOnce(&Site), needles: &[&str]) {
    pictures_site().fails_cleanly(break_it, needles);
}

fn edit(site: &Site, from: &str, to: &str) {
    let p = "content/articles/offsite/index.md";
    let text = std::fs::read_to_string(site.path(p)).unwrap();
    assert!(text.contains(from));
    site.write(p, text.replace(from, to));
}

#[test]
fn an_image_without_alt_text_fails_with_its_line_and_how_to_fix_it() {
    fails(
        |s| edit(s, "![A moving arrow](arrow.gif)", "![](arrow.gif)"),
        &[
            "content/articles/offsite/index.md:19:1",
            "the image `arrow.gif` has no alt text",
            "describe what the picture shows",
        ],
    );
}

#[test]
fn a_featured_image_needs_its_alt_text() {
    fails(
        |s| edit(s, "image_alt: A coach and a manager at a whiteboard\n", ""),
        &["index.md:5:1", "has no `image_alt`"],
    );
}

#[test]
fn a_missing_picture_is_named_with_the_closest_file() {
    fails(
        |s| edit(s, "](notes.jpg)", "](note.jpg)"),
        &["index.md:11:1", "note.jpg", "did you mean `notes.jpg`?"],
    );
    fails(
        |s| edit(s, "image: whiteboard.jpg", "image: whitebord.jpg"),
        &[
            "index.md:5:8",
            "the featured image `whitebord.jpg` does not exist",
            "did you mean `articles/offsite/whiteboard.jpg`?",
        ],
    );
    fails(
        |s| edit(s, "(/images/hall.jpg)", "(/images/halls.jpg)"),
        &[
            "there is no static/images/halls.jpg",
            "did you mean `/images/hall.jpg`?",
        ],
    );
}

#[test]
fn a_cut_off_photo_is_named_with_the_page_that_shows_it() {
    fails(
        |s| {
            let whole = jpeg(1200, 900);
            s.write(
                "content/articles/offsite/notes.jpg",
                &whole[..whole.len() / 2],
            );
        },
        &[
            "index.md:11:1",
            "content/articles/offsite/notes.jpg is cut off",
            "copy it again",
        ],
    );
}

#[test]
fn a_file_whose_name_lies_about_its_format_is_named() {
    fails(
        |s| s.write("content/articles/offsite/logo.png", jpeg(64, 64)),
        &[
            "index.md:15:1",
            "logo.png is named as a PNG file, but it is a JPEG file",
            "rename it to end in .jpg",
        ],
    );
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // A valid PNG header and one tiny IDAT claiming 100,000 × 100,000 pixels.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    fails(
        |s| s.write("content/articles/offsite/logo.png", &png),
        &[
            "index.md:15:1",
            "100000 × 100000",
            "more than huddle decodes",
        ],
    );
}

#[test]
fn a_build_from_inside_the_site_folder_keeps_its_cache_there() {
    let site = pictures_site();
    let mut cmd = assert_cmd::Command::cargo_bin("huddle").unwrap();
    let out = cmd
        .arg("build")
        .current_dir(site.root())
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pictures: 5 encoded, 0 from the cache"),
        "{stderr}"
    );
    assert!(site.path(".huddle/cache/images/sources.json").is_file());
    let html = site.output("articles/offsite/index.html");
    assert!(
        html.contains("<picture><source type=\"image/webp\""),
        "{html}"
    );
}

/// The content of `<meta property="NAME" content="...">` in some HTML.
fn meta<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("<meta property=\"{name}\" content=\"");
    let start = html.find(&key)? + key.len();
    Some(&html[start..start + html[start..].find('"')?])
}

fn card_of(site: &Site, html: &str) -> image::DynamicImage {
    let url = meta(html, "og:image").expect("an og:image");
    let path = url
        .strip_prefix("https://fixture.example.org/")
        .expect("an absolute URL");
    decoded(site, path)
}

#[test]
fn every_article_has_a_share_card_of_1200_by_630() {
    let site = pictures_site();
    // A long title, to be wrapped onto the card.
    site.write(
        "content/articles/long.md",
        "---\ntitle: When the team stops asking for permission and starts asking each other for help instead\ndate: 2026-02-02\nlevel: reciprocal\npractices: [follow-up]\n---\n\nText.\n",
    );
    site.build();
    // With a featured photo: the photo, cropped to fill, as JPEG.
    let html = site.output("articles/offsite/index.html");
    assert_eq!(meta(&html, "og:image:width"), Some("1200"));
    assert_eq!(meta(&html, "og:image:height"), Some("630"));
    assert_eq!(meta(&html, "og:image:type"), Some("image/jpeg"));
    assert_eq!(
        meta(&html, "og:image:alt"),
        Some("A coach and a manager at a whiteboard")
    );
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    let card = card_of(&site, &html);
    assert_eq!((card.width(), card.height()), (1200, 630));
    // Without one: drawn from the theme's template, as PNG.
    let html = site.output("articles/long/index.html");
    assert_eq!(meta(&html, "og:image:type"), Some("image/png"));
    assert!(
        meta(&html, "og:image:alt")
            .unwrap()
            .starts_with("When the team stops")
    );
    let card = card_of(&site, &html);
    assert_eq!((card.width(), card.height()), (1200, 630));
    // Not one colour: the text is drawn.
    let rgb = card.to_rgb8();
    let dark = rgb.pixels().filter(|p| p.0.iter().all(|&c| c < 80)).count();
    assert!(
        dark > 5_000,
        "the title is drawn in dark text ({dark} dark pixels)"
    );
    // The second build draws nothing again.
    assert_eq!(site.build().images.cards, 0);
}
