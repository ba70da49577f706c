<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>faultline::AnalysisDialog</name>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits a failure direction per class: a linear SVM on the images&apos; embeddings that predicts whether the classifier was right.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predictions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeddings:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all images (no split)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 images)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The split each class&apos;s SVM is fitted and cross-validated on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (not in this dataset: all images)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The split whose mean and standard deviation whiten the embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stratified cross-validation folds that choose C and measure the failure mode&apos;s strength</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit split:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whitening split:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-validation folds:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 stored — choose a CSV only to replace them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV with columns path,prediction[,label,split,confidence]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predictions CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ %1 images embedded (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute with a CLIP model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (downloads on first use)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A catalogue model (downloaded once into the model folder) or a checkpoint file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkpoint file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CLIP checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkpoints (*.pt *.safetensors);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import from a NumPy file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E.npy: [N, D] float32 or float16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E.paths.txt: the dataset-relative path of each row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predictions: %1 is not a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the classifier&apos;s predictions (a CSV with path and prediction columns).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CLIP model to compute the embeddings with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the embeddings .npy file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the text file naming each embedding row&apos;s image.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::ClassesChart</name>
    <message>
        <source>CV score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CV balanced accuracy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::ClassesDock</name>
    <message>
        <source>Classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter classes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset folder (File ▸ Open dataset folder…) or drop one onto the window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the dataset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No analysis yet: Analysis ▸ Run analysis.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::ClassesTableModel</name>
    <message>
        <source>%1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-validated balanced accuracy of the class&apos;s failure direction: how well a linear direction separates its errors from its correct images (0.5 = chance).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CV score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::GalleryDock</name>
    <message>
        <source>HARD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Split:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All splits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which split&apos;s images to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;how:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incorrect only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thumbnail size (Ctrl+= / Ctrl+-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hardest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Most negative decision value first: the images the failure direction rates most likely to be misclassified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Easiest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Most positive decision value first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gallery — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a class in the Classes panel to see its hardest and easiest images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: %n image(s) shown</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n incorrect</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in the class</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The class “%1” has no images in this run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No image of “%1” matches the split and filter chosen above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reveal in Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>&amp;Copy %n Paths</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Tag as &amp;Hard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag as &amp;OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lear Tag</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::GalleryModel</name>
    <message>
        <source>not fitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(another class)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision value: %1
%2 → %3 (%4)
Split: %5
%6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot show the image: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::InspectorDock</name>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an image in the gallery to inspect it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prediction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confidence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision value:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nearest neighbours in the class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No neighbours: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing the class…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No embeddings for this class.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ incorrect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none (right-click a tile to tag it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot show the image: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nearest neighbours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The class has no other images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cosine %1 · decision value %2 · %3
%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::JobRow</name>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop this job; finished work is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::JobsDock</name>
    <message numerus="yes">
        <source>about %n s left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n min left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n h left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No jobs yet. Opening a dataset or running an analysis starts one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::MainWindow</name>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: %n image(s), %2 predictions, %3 embedded</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open dataset folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import embeddings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run analysis…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Next class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+PgDown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alt+Down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Previous class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+PgUp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alt+Up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find class…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Faultline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faultline %1: finds the failure modes of an image classifier as directions in CLIP space (Jain et al., Distilling Model Failures as Directions in Latent Space).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> or </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open dataset folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset folder before importing embeddings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset-relative path of each embedding row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset folder before running an analysis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recent datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Faultline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faultline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s):
</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::ProjectSession</name>
    <message>
        <source>… and more problems (see faultline-cli scan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: not an existing folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing predictions.csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No predictions: put a predictions.csv (path,prediction[,label,split]) in the dataset folder and open it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No embeddings: use File ▸ Import embeddings….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset folder before importing embeddings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import embeddings %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset folder before running an analysis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing predictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the project has no embeddings: compute them with a CLIP model or import them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the project has no predictions: choose a predictions CSV (path,prediction)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load class %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading images and embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading confidences and tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Tag %n image(s) as %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::ThumbnailCache</name>
    <message>
        <source>the file could not be decoded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>faultline::WelcomePage</name>
    <message>
        <source>Faultline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find, explain and fix where your image classifier fails.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open dataset folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;A dataset folder holds images as &lt;tt&gt;ROOT/&amp;lt;split&amp;gt;/&amp;lt;class&amp;gt;/&amp;lt;file&amp;gt;&lt;/tt&gt; or &lt;tt&gt;ROOT/&amp;lt;class&amp;gt;/&amp;lt;file&amp;gt;&lt;/tt&gt; and the classifier&apos;s predictions as &lt;tt&gt;predictions.csv&lt;/tt&gt; (&lt;tt&gt;path,prediction&lt;/tt&gt;). Faultline asks for whatever is missing: predictions, embeddings or a CLIP model to compute them.&lt;/p&gt;&lt;p&gt;You can also drop a folder onto this window.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Faultline: find where an image classifier fails.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset folder to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open DATASET, wait for its jobs, save PNGs of the window and each dock into DIR, and quit.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
