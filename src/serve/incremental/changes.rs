//! What a rebuild is told changed: everything, or the paths the watcher
//! reported.

use std::path::{Path, PathBuf};

/// What changed since the last rebuild.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Unknown: rebuild everything.
    Everything,
    /// These files or folders (absolute paths, as the watcher reports them).
    Paths(Vec<PathBuf>),
}

impl Changes {
    /// These changes and `later` ones, as one rebuild after both sees them.
    pub fn merged(self, later: Changes) -> Changes {
        match (self, later) {
            (Changes::Paths(mut a), Changes::Paths(b)) => {
                a.extend(b);
                a.sort();
                a.dedup();
                Changes::Paths(a)
            }
            _ => Changes::Everything,
        }
    }

    /// True if anything under `root/<dir>` (for any of `dirs`) changed.
    pub fn touches(&self, root: &Path, dirs: &[&str]) -> bool {
        match self {
            Changes::Everything => true,
            Changes::Paths(paths) => paths
                .iter()
                .any(|p| dirs.iter().any(|d| p.starts_with(root.join(d)))),
        }
    }

    /// True if `file` is one of the changed paths or inside one.
    pub fn covers(&self, file: &Path) -> bool {
        match self {
            Changes::Everything => true,
            Changes::Paths(paths) => paths.iter().any(|p| within(file, p)),
        }
    }
}

/// Whether `file` is `dir` or inside it. Both are absolute paths as the
/// watcher reports them (no `.` or `..`), so their bytes are compared: the
/// served site asks this of every copied file on every rebuild, and
/// `Path::starts_with`, component by component, is many times slower.
fn within(file: &Path, dir: &Path) -> bool {
    let (f, d) = (
        file.as_os_str().as_encoded_bytes(),
        dir.as_os_str().as_encoded_bytes(),
    );
    let d = d.strip_suffix(b"/").unwrap_or(d);
    f.strip_prefix(d)
        .is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
}

#[cfg(test)]
mod tests {
    use super::{Changes, within};
    use std::path::Path;

    #[test]
    fn merged_changes_cover_both_saves_and_everything_absorbs_them() {
        let a = Changes::Paths(vec!["/s/content/a.md".into(), "/s/content/b.md".into()]);
        let b = Changes::Paths(vec!["/s/content/b.md".into(), "/s/static/c.css".into()]);
        let Changes::Paths(both) = a.clone().merged(b.clone()) else {
            panic!("two lists of paths merge into one");
        };
        let both: Vec<&str> = both.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(
            both,
            ["/s/content/a.md", "/s/content/b.md", "/s/static/c.css"]
        );
        assert!(matches!(a.merged(Changes::Everything), Changes::Everything));
        assert!(matches!(Changes::Everything.merged(b), Changes::Everything));
    }

    #[test]
    fn a_change_covers_the_files_in_its_folder_and_no_neighbour() {
        let site = Path::new("/site/static");
        assert!(within(Path::new("/site/static/css/site.css"), site));
        assert!(within(Path::new("/site/static"), site));
        assert!(within(
            Path::new("/site/static/a.png"),
            Path::new("/site/static/")
        ));
        assert!(!within(Path::new("/site/static2/a.png"), site));
        assert!(!within(Path::new("/site/stat"), site));
        assert!(within(Path::new("/anything"), Path::new("/")));
    }
}
