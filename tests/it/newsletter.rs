//! The newsletter form in the built site, per provider preset, and its config errors.

use crate::common::Site;
use predicates::prelude::*;

fn with_newsletter(site: &Site, settings: &str) {
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{config}\n[newsletter]\n{settings}\n"));
}

/// The article page's `<form class="newsletter-form" ...>...</form>`.
fn form_of(html: &str) -> &str {
    let start = html
        .find("<form class=\"newsletter-form\"")
        .expect("a newsletter form");
    &html[start..start + html[start..].find("</form>").unwrap()]
}

#[test]
fn stub_form_on_articles_and_its_own_page() {
    let site = Site::fixture("tagged");
    site.build();
    let article = site.output("articles/gamma/index.html");
    let form = form_of(&article);
    assert!(form.contains("data-mode=\"stub\""));
    assert!(
        !form.contains("action="),
        "the stub posts nowhere in a built site"
    );
    assert!(
        form.contains("type=\"email\"")
            && form.contains("name=\"email\"")
            && form.contains("required")
    );
    assert!(form.contains("<label"), "the email field has a label");
    assert!(
        form.contains("aria-hidden=\"true\"")
            && form.contains("name=\"website\"")
            && form.contains("tabindex=\"-1\""),
        "honeypot hidden from people and screen readers"
    );
    assert!(article.contains("role=\"status\"") && article.contains("aria-live=\"polite\""));
    assert!(
        article.contains("Please check your inbox and confirm"),
        "the success note asks to confirm by email"
    );
    assert!(article.contains("<script src=\"/newsletter."));
    assert!(
        site.output("newsletter/index.html")
            .contains("<form class=\"newsletter-form\"")
    );
}

#[test]
fn mailchimp_preset_uses_its_field_names_and_honeypot() {
    let site = Site::fixture("tagged");
    with_newsletter(
        &site,
        "provider = \"mailchimp\"\naction = \"https://coach.us21.list-manage.com/subscribe/post?u=abc123&id=def456\"",
    );
    site.build();
    let html = site.output("articles/gamma/index.html");
    let form = form_of(&html);
    assert!(
        form.contains(
            "action=\"https://coach.us21.list-manage.com/subscribe/post?u=abc123&amp;id=def456\""
        ),
        "{form}"
    );
    assert!(form.contains("name=\"EMAIL\""));
    assert!(form.contains("name=\"b_abc123_def456\""));
    assert!(form.contains("data-mode=\"native\"") && form.contains("target=\"_blank\""));
}

#[test]
fn buttondown_preset_sends_the_articles_tags() {
    let site = Site::fixture("tagged");
    with_newsletter(
        &site,
        "provider = \"buttondown\"\naction = \"https://buttondown.com/api/emails/embed-subscribe/coach\"",
    );
    site.build();
    let html = site.output("articles/gamma/index.html");
    let form = form_of(&html);
    assert!(form.contains("name=\"email\"") && form.contains("name=\"embed\" value=\"1\""));
    for tag in ["reciprocal", "meeting-hygiene", "follow-up"] {
        assert!(
            form.contains(&format!("name=\"tag\" value=\"{tag}\"")),
            "tag {tag}: {form}"
        );
    }
    let page = site.output("newsletter/index.html");
    assert!(
        !form_of(&page).contains("name=\"tag\""),
        "no article, no tags"
    );
}

#[test]
fn kit_and_netlify_presets() {
    let site = Site::fixture("tagged");
    with_newsletter(
        &site,
        "provider = \"kit\"\naction = \"https://app.kit.com/forms/123/subscriptions\"",
    );
    site.build();
    assert!(form_of(&site.output("articles/gamma/index.html")).contains("name=\"email_address\""));
    site.write("site.toml", "title = \"T\"\nbase_url = \"https://tagged.example.org\"\n\n[newsletter]\nprovider = \"netlify\"\n");
    site.build();
    let html = site.output("articles/gamma/index.html");
    let form = form_of(&html);
    assert!(
        form.contains("data-netlify=\"true\"") && form.contains("netlify-honeypot=\"bot-field\"")
    );
    assert!(form.contains("name=\"form-name\" value=\"newsletter\""));
    assert!(form.contains("data-mode=\"fetch\""));
}

#[test]
fn disabled_newsletter_shows_no_form() {
    let site = Site::fixture("tagged");
    with_newsletter(&site, "enabled = false");
    site.build();
    assert!(
        !site
            .output("articles/gamma/index.html")
            .contains("newsletter-form")
    );
    assert!(!site.has_output("newsletter/index.html"));
}

#[test]
fn config_errors_name_the_line_and_suggest() {
    let site = Site::fixture("tagged");
    with_newsletter(&site, "provider = \"buttondown\"");
    site.huddle(&["build"]).assert().code(1).stderr(
        predicate::str::contains("site.toml:9")
            .and(predicate::str::contains("needs an `action`"))
            .and(predicate::str::contains("buttondown.com")),
    );
    let site = Site::fixture("tagged");
    with_newsletter(
        &site,
        "provider = \"mailchimp\"\naction = \"http://example.org/form\"",
    );
    site.huddle(&["build"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an https:// URL"));
    let site = Site::fixture("tagged");
    with_newsletter(&site, "provider = \"mailchump\"");
    site.huddle(&["build"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `mailchimp`"));
    let site = Site::fixture("tagged");
    with_newsletter(&site, "buton = \"Go\"");
    site.huddle(&["build"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `button`"));
}
