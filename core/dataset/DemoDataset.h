#pragma once

#include <QString>

namespace faultline {

class JobControl;

// The demo dataset an installed Faultline ships (resources/demo/make_demo_dataset.py, installed
// under share/faultline/demo/fashion-mnist) and the writable copy the workbench opens: the
// installed one is read-only (inside the AppImage or Program Files), and a project store must
// live beside its images.

// Where this installation's demo is: $FAULTLINE_DEMO_DATASET, then share/faultline/demo/fashion-mnist
// beside the executable, then the XDG data directories. Empty when the installation has none.
QString bundledDemoDataset();

// The copy's place: the user's application data folder, …/demo/<the bundled folder's name>.
QString demoWorkingCopyPath(const QString &bundled);

// The working copy of `bundled` at `target`, copied on first use (later calls return it as it is,
// results included). The files go to a sibling "<target>.partial" first and are renamed into place,
// so an interrupted copy never looks complete; a stale partial copy is replaced. Throws Error
// naming the file that could not be copied; JobCancelled when `control` is cancelled.
QString prepareDemoDataset(const QString &bundled, const QString &target, JobControl *control = nullptr);

} // namespace faultline
