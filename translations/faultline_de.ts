<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>faultline::AboutDialog</name>
    <message>
        <source>About Faultline</source>
        <translation>Über Faultline</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Faultline %1&lt;/h2&gt;&lt;p&gt;Finds, explains and fixes the failure modes of an image classifier as directions in CLIP space (Jain et al., &lt;i&gt;Distilling Model Failures as Directions in Latent Space&lt;/i&gt;).&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later. The AppImage holds the licence notice of every library it bundles under usr/share/doc.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Faultline %1&lt;/h2&gt;&lt;p&gt;Findet, erklärt und behebt die Fehlermodi eines Bildklassifikators als Richtungen im CLIP-Raum (Jain et al., &lt;i&gt;Distilling Model Failures as Directions in Latent Space&lt;/i&gt;).&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder später. Das AppImage enthält den Lizenzhinweis jeder mitgelieferten Bibliothek unter usr/share/doc.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Built on:</source>
        <translation>Aufgebaut auf:</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
</context>
<context>
    <name>faultline::AnalysisDialog</name>
    <message>
        <source>Run analysis</source>
        <translation>Analyse ausführen</translation>
    </message>
    <message>
        <source>Fits a failure direction per class: a linear SVM on the images&apos; embeddings that predicts whether the classifier was right.</source>
        <translation>Passt je Klasse eine Fehlerrichtung an: eine lineare SVM auf den Einbettungen der Bilder, die vorhersagt, ob der Klassifikator richtig lag.</translation>
    </message>
    <message>
        <source>Predictions:</source>
        <translation>Vorhersagen:</translation>
    </message>
    <message>
        <source>Embeddings:</source>
        <translation>Einbettungen:</translation>
    </message>
    <message>
        <source>all images (no split)</source>
        <translation>alle Bilder (keine Teilmenge)</translation>
    </message>
    <message>
        <source>%1 (%2 images)</source>
        <translation>%1 (%2 Bilder)</translation>
    </message>
    <message>
        <source>The split each class&apos;s SVM is fitted and cross-validated on</source>
        <translation>Die Teilmenge, auf der die SVM jeder Klasse angepasst und kreuzvalidiert wird</translation>
    </message>
    <message>
        <source>%1 (not in this dataset: all images)</source>
        <translation>%1 (nicht in diesem Datensatz: alle Bilder)</translation>
    </message>
    <message>
        <source>The split whose mean and standard deviation whiten the embeddings</source>
        <translation>Die Teilmenge, deren Mittelwert und Standardabweichung zum Whitening der Einbettungen dienen</translation>
    </message>
    <message>
        <source>Stratified cross-validation folds that choose C and measure the failure mode&apos;s strength</source>
        <translation>Stratifizierte Folds der Kreuzvalidierung, die C wählen und die Stärke des Fehlermodus messen</translation>
    </message>
    <message>
        <source>Fit split:</source>
        <translation>Anpassen auf:</translation>
    </message>
    <message>
        <source>Whitening split:</source>
        <translation>Whitening mit:</translation>
    </message>
    <message>
        <source>Cross-validation folds:</source>
        <translation>Folds der Kreuzvalidierung:</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>%1 stored — choose a CSV only to replace them</source>
        <translation>%1 Vorhersagen gespeichert — eine CSV nur zum Ersetzen wählen</translation>
    </message>
    <message>
        <source>CSV with columns path,prediction[,label,split,confidence]</source>
        <translation>CSV mit den Spalten path,prediction[,label,split,confidence]</translation>
    </message>
    <message>
        <source>Predictions CSV</source>
        <translation>Vorhersage-CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>✓ %1 images embedded (%2)</source>
        <translation>✓ %1 Bilder eingebettet (%2)</translation>
    </message>
    <message>
        <source>Compute with a CLIP model</source>
        <translation>Mit einem CLIP-Modell berechnen</translation>
    </message>
    <message>
        <source>%1 (downloads on first use)</source>
        <translation>%1 (wird bei der ersten Verwendung heruntergeladen)</translation>
    </message>
    <message>
        <source>A catalogue model (downloaded once into the model folder) or a checkpoint file</source>
        <translation>Ein Katalogmodell (einmalig in den Modellordner heruntergeladen) oder eine Checkpoint-Datei</translation>
    </message>
    <message>
        <source>Checkpoint file…</source>
        <translation>Checkpoint-Datei…</translation>
    </message>
    <message>
        <source>CLIP checkpoint</source>
        <translation>CLIP-Checkpoint</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt *.safetensors);;All files (*)</source>
        <translation>Checkpoints (*.pt *.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import from a NumPy file</source>
        <translation>Aus einer NumPy-Datei importieren</translation>
    </message>
    <message>
        <source>E.npy: [N, D] float32 or float16</source>
        <translation>E.npy: [N, D] float32 oder float16</translation>
    </message>
    <message>
        <source>E.paths.txt: the dataset-relative path of each row</source>
        <translation>E.paths.txt: der Pfad jeder Zeile relativ zum Datensatz</translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation>Einbettungen</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation>NumPy-Arrays (*.npy);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Row paths</source>
        <translation>Zeilenpfade</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Predictions: %1 is not a file.</source>
        <translation>Vorhersagen: %1 ist keine Datei.</translation>
    </message>
    <message>
        <source>Choose a CLIP model to compute the embeddings with.</source>
        <translation>Wählen Sie ein CLIP-Modell, mit dem die Einbettungen berechnet werden.</translation>
    </message>
    <message>
        <source>Choose the embeddings .npy file.</source>
        <translation>Wählen Sie die .npy-Datei mit den Einbettungen.</translation>
    </message>
    <message>
        <source>Choose the text file naming each embedding row&apos;s image.</source>
        <translation>Wählen Sie die Textdatei, die das Bild jeder Einbettungszeile nennt.</translation>
    </message>
    <message>
        <source>or let your classifier predict them:</source>
        <translation>oder lassen Sie Ihren Klassifikator sie vorhersagen:</translation>
    </message>
    <message>
        <source>Run a classifier…</source>
        <translation>Klassifikator ausführen…</translation>
    </message>
    <message>
        <source>A TorchScript model run over every image: no predictions CSV needed</source>
        <translation>Ein TorchScript-Modell, das über jedes Bild läuft: keine Vorhersage-CSV nötig</translation>
    </message>
    <message>
        <source>Choose the classifier&apos;s predictions (a CSV with path and prediction columns), or run the classifier.</source>
        <translation>Wählen Sie die Vorhersagen des Klassifikators (eine CSV mit den Spalten path und prediction) oder führen Sie den Klassifikator aus.</translation>
    </message>
    <message>
        <source>✓ %1 will predict every image (%2 px)</source>
        <translation>✓ %1 sagt jedes Bild vorher (%2 px)</translation>
    </message>
</context>
<context>
    <name>faultline::BeforeAfterChart</name>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>original head</source>
        <translation>ursprünglicher Kopf</translation>
    </message>
    <message>
        <source>retrained head</source>
        <translation>neu trainierter Kopf</translation>
    </message>
    <message>
        <source>all
test</source>
        <translation>alle
Test</translation>
    </message>
    <message>
        <source>hard
(all)</source>
        <translation>schwer
(alle)</translation>
    </message>
    <message>
        <source>%1
(hard)</source>
        <translation>%1
(schwer)</translation>
    </message>
    <message>
        <source>Retrain to see before and after</source>
        <translation>Neu trainieren, um Vorher und Nachher zu sehen</translation>
    </message>
</context>
<context>
    <name>faultline::CaptionMatcher</name>
    <message>
        <source>Matching captions waits for the CLIP text model to load.</source>
        <translation>Der Beschreibungsabgleich wartet, bis das CLIP-Textmodell geladen ist.</translation>
    </message>
    <message>
        <source>Matching “%1”…</source>
        <translation>Abgleich mit „%1“…</translation>
    </message>
    <message>
        <source>Match the caption “%1”</source>
        <translation>Abgleich mit der Beschreibung „%1“</translation>
    </message>
    <message>
        <source>The text model gives %1 values per caption, the run&apos;s embeddings have %2</source>
        <translation>Das Textmodell liefert %1 Werte je Beschreibung, die Einbettungen des Laufs haben %2</translation>
    </message>
</context>
<context>
    <name>faultline::CaptionsDock</name>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Captions</source>
        <translation>Beschreibungen</translation>
    </message>
    <message>
        <source>Custom file…</source>
        <translation>Eigene Datei…</translation>
    </message>
    <message>
        <source>The words candidate captions are made of</source>
        <translation>Die Wörter, aus denen Kandidatenbeschreibungen gebildet werden</translation>
    </message>
    <message>
        <source>The reference caption t₀: captions are scored by how their difference to it points along the failure direction</source>
        <translation>Die Referenzbeschreibung t₀: Beschreibungen werden danach bewertet, wie weit ihre Differenz zu ihr in Fehlerrichtung zeigt</translation>
    </message>
    <message>
        <source>Rank again</source>
        <translation>Neu ordnen</translation>
    </message>
    <message>
        <source>Rank the captions with the CLIP text model, replacing stored scores</source>
        <translation>Ordnet die Beschreibungen mit dem CLIP-Textmodell neu und ersetzt die gespeicherten Scores</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>Vokabular:</translation>
    </message>
    <message>
        <source>Reference:</source>
        <translation>Referenz:</translation>
    </message>
    <message>
        <source>Hard captions</source>
        <translation>Schwierige Beschreibungen</translation>
    </message>
    <message>
        <source>Easy captions</source>
        <translation>Einfache Beschreibungen</translation>
    </message>
    <message>
        <source>Chosen caption</source>
        <translation>Gewählte Beschreibung</translation>
    </message>
    <message>
        <source>Reference caption</source>
        <translation>Referenzbeschreibung</translation>
    </message>
    <message>
        <source>K nearest test images</source>
        <translation>K nächste Testbilder</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Select a class in the Classes dock to see the captions that describe its failures.</source>
        <translation>Wählen Sie im Bereich „Klassen“ eine Klasse, um die Beschreibungen ihrer Fehler zu sehen.</translation>
    </message>
    <message>
        <source>Choose a caption vocabulary</source>
        <translation>Beschreibungsvokabular wählen</translation>
    </message>
    <message>
        <source>Caption vocabularies (*.json);;All files (*)</source>
        <translation>Beschreibungsvokabulare (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The vocabulary cannot be used: %1</source>
        <translation>Das Vokabular kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>Reading stored caption scores…</source>
        <translation>Gespeicherte Scores der Beschreibungen werden gelesen…</translation>
    </message>
    <message>
        <source>Reading caption scores</source>
        <translation>Scores der Beschreibungen werden gelesen</translation>
    </message>
    <message>
        <source>The captions are ranked once the CLIP text model is loaded.</source>
        <translation>Die Beschreibungen werden geordnet, sobald das CLIP-Textmodell geladen ist.</translation>
    </message>
    <message>
        <source>Ranking the captions of %1…</source>
        <translation>Beschreibungen von %1 werden geordnet…</translation>
    </message>
    <message>
        <source>Ranking captions of %1</source>
        <translation>Beschreibungen von %1 ordnen</translation>
    </message>
    <message>
        <source>Ranking cancelled. Press Rank again to rank the captions.</source>
        <translation>Rangfolge abgebrochen. Klicken Sie auf „Neu ordnen“, um die Beschriftungen zu ordnen.</translation>
    </message>
    <message>
        <source>%1 captions of the %2 vocabulary, stored scores. Choose a caption to see its nearest test images and validation curve.</source>
        <translation>%1 Beschreibungen aus dem Vokabular %2, gespeicherte Scores. Wählen Sie eine Beschreibung, um ihre nächsten Testbilder und ihre Validierungskurve zu sehen.</translation>
    </message>
    <message>
        <source>%1 captions of the %2 vocabulary ranked (CV balanced accuracy %3). Choose a caption to see its nearest test images and validation curve.</source>
        <translation>%1 Beschreibungen aus dem Vokabular %2 geordnet (balancierte CV-Genauigkeit %3). Wählen Sie eine Beschreibung, um ihre nächsten Testbilder und ihre Validierungskurve zu sehen.</translation>
    </message>
    <message>
        <source>Validating a caption</source>
        <translation>Beschreibung wird validiert</translation>
    </message>
    <message>
        <source>“%1”</source>
        <translation>„%1“</translation>
    </message>
    <message>
        <source>Reference “%1”</source>
        <translation>Referenz „%1“</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Make new images of the class with the generation backend of Settings ▸ Generation (without a server: the nearest real images), checked by the classifier</source>
        <translation>Neue Bilder der Klasse mit dem Generator aus Einstellungen ▸ Erzeugung machen (ohne Server: die nächsten echten Bilder), vom Klassifikator geprüft</translation>
    </message>
    <message>
        <source>From the &amp;chosen caption</source>
        <translation>Aus der &amp;gewählten Beschreibung</translation>
    </message>
    <message>
        <source>From the top &amp;hard, easy and reference captions</source>
        <translation>Aus den besten &amp;schwierigen, einfachen und Referenzbeschreibungen</translation>
    </message>
    <message>
        <source>From the &amp;backgrounds of its failures</source>
        <translation>Aus den &amp;Hintergründen ihrer Fehler</translation>
    </message>
</context>
<context>
    <name>faultline::ClassesChart</name>
    <message>
        <source>CV score</source>
        <translation>CV-Score</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <source>CV balanced accuracy</source>
        <translation>Bal. CV-Genauigkeit</translation>
    </message>
</context>
<context>
    <name>faultline::ClassesDock</name>
    <message>
        <source>Classes</source>
        <translation>Klassen</translation>
    </message>
    <message>
        <source>Filter classes…</source>
        <translation>Klassen filtern…</translation>
    </message>
    <message>
        <source>Open a dataset folder (File ▸ Open dataset folder…) or drop one onto the window.</source>
        <translation>Öffnen Sie einen Datensatzordner (Datei ▸ Datensatzordner öffnen…) oder ziehen Sie einen auf das Fenster.</translation>
    </message>
    <message>
        <source>Reading the dataset…</source>
        <translation>Datensatz wird gelesen…</translation>
    </message>
    <message>
        <source>No analysis yet: Analysis ▸ Run analysis.</source>
        <translation>Noch keine Analyse: Analyse ▸ Analyse ausführen.</translation>
    </message>
</context>
<context>
    <name>faultline::ClassesTableModel</name>
    <message>
        <source>%1%</source>
        <translation>%1&#xa0;%</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Cross-validated balanced accuracy of the class&apos;s failure direction: how well a linear direction separates its errors from its correct images (0.5 = chance).</source>
        <translation>Kreuzvalidierte balancierte Genauigkeit der Fehlerrichtung der Klasse: wie gut eine lineare Richtung ihre Fehler von ihren korrekten Bildern trennt (0,5 = Zufall).</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <source>CV score</source>
        <translation>CV-Score</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>faultline::ClassifierDialog</name>
    <message>
        <source>ImageNet (torchvision)</source>
        <translation>ImageNet (torchvision)</translation>
    </message>
    <message>
        <source>[0, 1]: none</source>
        <translation>[0, 1]: keine</translation>
    </message>
    <message>
        <source>[−1, 1]: mean 0.5, std 0.5</source>
        <translation>[−1, 1]: Mittelwert 0,5, Std. 0,5</translation>
    </message>
    <message>
        <source>%1: give one number or three separated by commas</source>
        <translation>%1: eine Zahl oder drei durch Kommas getrennte angeben</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number</source>
        <translation>%1: „%2“ ist keine Zahl</translation>
    </message>
    <message>
        <source>Run classifier</source>
        <translation>Klassifikator ausführen</translation>
    </message>
    <message>
        <source>TorchScript file (torch.jit.save)</source>
        <translation>TorchScript-Datei (torch.jit.save)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Resize the shorter side, then crop the centre</source>
        <translation>Kürzere Seite skalieren, dann die Mitte ausschneiden</translation>
    </message>
    <message>
        <source>Stretch to a square</source>
        <translation>Auf ein Quadrat strecken</translation>
    </message>
    <message>
        <source>the input size</source>
        <translation>die Eingabegröße</translation>
    </message>
    <message>
        <source>The shorter side before cropping (torchvision&apos;s Resize(256) + CenterCrop(224): 256)</source>
        <translation>Die kürzere Seite vor dem Ausschneiden (torchvisions Resize(256) + CenterCrop(224): 256)</translation>
    </message>
    <message>
        <source>RGB</source>
        <translation>RGB</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Graustufen</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <source>Logits (a softmax is applied)</source>
        <translation>Logits (ein Softmax wird angewandt)</translation>
    </message>
    <message>
        <source>Probabilities</source>
        <translation>Wahrscheinlichkeiten</translation>
    </message>
    <message>
        <source>optional: the dataset&apos;s class folders, sorted</source>
        <translation>optional: die Klassenordner des Datensatzes, sortiert</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>TorchScript classifier</source>
        <translation>TorchScript-Klassifikator</translation>
    </message>
    <message>
        <source>TorchScript (*.pt *.pth *.ts);;All files (*)</source>
        <translation>TorchScript (*.pt *.pth *.ts);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Input size:</source>
        <translation>&amp;Eingabegröße:</translation>
    </message>
    <message>
        <source>&amp;Resize:</source>
        <translation>Ska&amp;lieren:</translation>
    </message>
    <message>
        <source>Resize &amp;to:</source>
        <translation>Skalieren &amp;auf:</translation>
    </message>
    <message>
        <source>&amp;Channels:</source>
        <translation>&amp;Kanäle:</translation>
    </message>
    <message>
        <source>&amp;Normalisation:</source>
        <translation>&amp;Normalisierung:</translation>
    </message>
    <message>
        <source>M&amp;ean:</source>
        <translation>Mi&amp;ttelwert:</translation>
    </message>
    <message>
        <source>&amp;Std:</source>
        <translation>&amp;Std.-Abw.:</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>A&amp;usgabe:</translation>
    </message>
    <message>
        <source>Class &amp;names:</source>
        <translation>Klassen&amp;namen:</translation>
    </message>
    <message>
        <source>Class names of the model&apos;s outputs</source>
        <translation>Klassennamen der Modellausgaben</translation>
    </message>
    <message>
        <source>Class lists (*.txt *.csv *.json);;All files (*)</source>
        <translation>Klassenlisten (*.txt *.csv *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The classifier runs over every image of the dataset and its predictions replace the stored ones. Class names: one per line in output order, index,name lines or JSON.</source>
        <translation>Der Klassifikator läuft über jedes Bild des Datensatzes, seine Vorhersagen ersetzen die gespeicherten. Klassennamen: einer pro Zeile in Ausgabereihenfolge, Zeilen index,name oder JSON.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>Std.-Abw.</translation>
    </message>
    <message>
        <source>Choose the classifier&apos;s TorchScript file.</source>
        <translation>Wählen Sie die TorchScript-Datei des Klassifikators.</translation>
    </message>
    <message>
        <source>%1: no such file</source>
        <translation>%1: Datei nicht gefunden</translation>
    </message>
</context>
<context>
    <name>faultline::ConfusionDock</name>
    <message>
        <source>Confusion</source>
        <translation>Verwechslungen</translation>
    </message>
    <message>
        <source>Split:</source>
        <translation>Aufteilung:</translation>
    </message>
    <message>
        <source>All splits</source>
        <translation>Alle Aufteilungen</translation>
    </message>
    <message>
        <source>Rows: true class; columns: prediction. Click a cell to show its images.</source>
        <translation>Zeilen: wahre Klasse; Spalten: Vorhersage. Klicken Sie auf eine Zelle, um ihre Bilder zu zeigen.</translation>
    </message>
    <message>
        <source>The largest confusions of the run: click one to show its images</source>
        <translation>Die größten Verwechslungen des Laufs: klicken Sie auf eine, um ihre Bilder zu zeigen</translation>
    </message>
    <message>
        <source>No analysis run yet.</source>
        <translation>Noch kein Analyselauf.</translation>
    </message>
    <message>
        <source>Loading run %1…</source>
        <translation>Lauf %1 wird geladen…</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>Konfusionsmatrix</translation>
    </message>
    <message>
        <source>%1 → %2  %3 (%4)</source>
        <translation>%1 → %2  %3 (%4)</translation>
    </message>
    <message>
        <source>No images in this split.</source>
        <translation>Keine Bilder in dieser Aufteilung.</translation>
    </message>
    <message numerus="yes">
        <source>Run %1: %2 images, accuracy %3, %n confusions.</source>
        <translation>
            <numerusform>Lauf %1: %2 Bilder, Genauigkeit %3, %n Verwechslung.</numerusform>
            <numerusform>Lauf %1: %2 Bilder, Genauigkeit %3, %n Verwechslungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 predicted correctly</source>
        <translation>%1 richtig vorhergesagt</translation>
    </message>
    <message>
        <source>%1 predicted as %2</source>
        <translation>%1 als %2 vorhergesagt</translation>
    </message>
</context>
<context>
    <name>faultline::ConfusionTableModel</name>
    <message>
        <source>%1: %2 of %3 images predicted correctly</source>
        <translation>%1: %2 von %3 Bildern richtig vorhergesagt</translation>
    </message>
    <message>
        <source>%1: %2 images predicted correctly (%3 of the class). Click to show them.</source>
        <translation>%1: %2 Bilder richtig vorhergesagt (%3 der Klasse). Klicken, um sie zu zeigen.</translation>
    </message>
    <message>
        <source>%1 predicted as %2: %3 images (%4 of the class). Click to show them.</source>
        <translation>%1 als %2 vorhergesagt: %3 Bilder (%4 der Klasse). Klicken, um sie zu zeigen.</translation>
    </message>
    <message>
        <source>True class %1 (%2 images)</source>
        <translation>Wahre Klasse %1 (%2 Bilder)</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>The share of the row predicted correctly</source>
        <translation>Der richtig vorhergesagte Anteil der Zeile</translation>
    </message>
    <message>
        <source>Predicted %1</source>
        <translation>Vorhergesagt: %1</translation>
    </message>
</context>
<context>
    <name>faultline::DifficultyDock</name>
    <message>
        <source>Difficulty</source>
        <translation>Schwierigkeit</translation>
    </message>
    <message>
        <source>The images the slider searches</source>
        <translation>Die Bilder, die der Schieberegler durchsucht</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Bilder:</translation>
    </message>
    <message>
        <source>Left: the easiest images of the class; centre: the reference caption; right: the hardest</source>
        <translation>Links: die einfachsten Bilder der Klasse; Mitte: die Referenzbeschreibung; rechts: die schwierigsten</translation>
    </message>
    <message>
        <source>Easiest</source>
        <translation>Einfachste</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <source>Hardest</source>
        <translation>Schwierigste</translation>
    </message>
    <message>
        <source>%1 — reference: “%2”</source>
        <translation>%1 — Referenz: „%2“</translation>
    </message>
    <message>
        <source>Select a class in the Classes dock, then drag the slider from its easiest images to its hardest.</source>
        <translation>Wählen Sie im Bereich „Klassen“ eine Klasse und ziehen Sie dann den Schieberegler von ihren einfachsten zu ihren schwierigsten Bildern.</translation>
    </message>
    <message>
        <source>Indexing %1 images</source>
        <translation>Bilder von %1 werden indiziert</translation>
    </message>
    <message>
        <source>Embedding the reference caption</source>
        <translation>Referenzbeschreibung wird eingebettet</translation>
    </message>
    <message>
        <source>Nearest images</source>
        <translation>Nächste Bilder</translation>
    </message>
    <message>
        <source>harder</source>
        <translation>schwieriger</translation>
    </message>
    <message>
        <source>easier</source>
        <translation>einfacher</translation>
    </message>
    <message>
        <source>the reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <source>α = %1 (%2)</source>
        <translation>α = %1 (%2)</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Make new images at this slider position with the generation backend of Settings ▸ Generation (without a server: the nearest real images), and check them with the classifier</source>
        <translation>Neue Bilder an dieser Reglerposition mit dem Generator aus Einstellungen ▸ Erzeugung machen (ohne Server: die nächsten echten Bilder) und mit dem Klassifikator prüfen</translation>
    </message>
    <message numerus="yes">
        <source>Approximate index of %1&apos;s %n images</source>
        <translation>
            <numerusform>Näherungsindex des %n Bildes von %1</numerusform>
            <numerusform>Näherungsindex der %n Bilder von %1</numerusform>
        </translation>
    </message>
    <message>
        <source>No approximate index (%1): the slider searches exactly.</source>
        <translation>Kein Näherungsindex (%1): der Regler sucht exakt.</translation>
    </message>
</context>
<context>
    <name>faultline::EmbeddingMapDock</name>
    <message>
        <source>Map</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Colour by:</source>
        <translation>Färben nach:</translation>
    </message>
    <message>
        <source>Correct / incorrect</source>
        <translation>Richtig / falsch</translation>
    </message>
    <message>
        <source>Decision value</source>
        <translation>Entscheidungswert</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Markierung</translation>
    </message>
    <message>
        <source>PC 1</source>
        <translation>HK 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>HK 2</translation>
    </message>
    <message>
        <source>Select a class to see its images on a map of their CLIP embeddings.</source>
        <translation>Wählen Sie eine Klasse, um ihre Bilder auf einer Karte ihrer CLIP-Einbettungen zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>Projecting %1&apos;s %n images…</source>
        <translation>
            <numerusform>%n Bild von %1 wird projiziert…</numerusform>
            <numerusform>%n Bilder von %1 werden projiziert…</numerusform>
        </translation>
    </message>
    <message>
        <source>Map of %1</source>
        <translation>Karte von %1</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>tagged hard</source>
        <translation>als schwer markiert</translation>
    </message>
    <message>
        <source>tagged OK</source>
        <translation>als OK markiert</translation>
    </message>
    <message>
        <source>untagged</source>
        <translation>nicht markiert</translation>
    </message>
    <message>
        <source>not fitted</source>
        <translation>nicht angepasst</translation>
    </message>
    <message>
        <source> (stored)</source>
        <translation> (gespeichert)</translation>
    </message>
    <message numerus="yes">
        <source>%n images selected on the map</source>
        <translation>
            <numerusform>%n Bild auf der Karte ausgewählt</numerusform>
            <numerusform>%n Bilder auf der Karte ausgewählt</numerusform>
        </translation>
    </message>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>t-SNE</source>
        <translation>t-SNE</translation>
    </message>
    <message>
        <source>t-SNE 1</source>
        <translation>t-SNE 1</translation>
    </message>
    <message>
        <source>t-SNE 2</source>
        <translation>t-SNE 2</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>Lasso</translation>
    </message>
    <message>
        <source>Drag a box or draw a lasso to show those images in the gallery; click a dot to inspect it; the wheel zooms.</source>
        <translation>Rechteck aufziehen oder Lasso zeichnen, um diese Bilder in der Galerie zu zeigen; ein Klick auf einen Punkt untersucht ihn; das Mausrad zoomt.</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>This class</source>
        <translation>Diese Klasse</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>Alle Klassen</translation>
    </message>
    <message>
        <source>The selected class&apos;s images, or every image of the run on one map</source>
        <translation>Die Bilder der gewählten Klasse oder alle Bilder des Laufs auf einer Karte</translation>
    </message>
    <message>
        <source>PCA: the two directions of largest variance (instant). t-SNE: neighbourhoods kept, clusters apart (exact up to %1 images, Barnes–Hut up to %2; computed once and stored)</source>
        <translation>PCA: die zwei Richtungen größter Varianz (sofort). t-SNE: Nachbarschaften bleiben erhalten, Gruppen getrennt (exakt bis %1 Bilder, Barnes–Hut bis %2; einmal berechnet und gespeichert)</translation>
    </message>
    <message>
        <source>Reset view: fit the whole map</source>
        <translation>Ansicht zurücksetzen: die ganze Karte einpassen</translation>
    </message>
    <message>
        <source>Lasso: draw around the dots to select them. Off: drag a box.</source>
        <translation>Lasso: um die Punkte zeichnen, um sie auszuwählen. Aus: ein Rechteck aufziehen.</translation>
    </message>
    <message>
        <source>Projecting every class&apos;s images…</source>
        <translation>Bilder aller Klassen werden projiziert…</translation>
    </message>
    <message>
        <source>Map of every class</source>
        <translation>Karte aller Klassen</translation>
    </message>
    <message>
        <source>Every class</source>
        <translation>Alle Klassen</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n images, t-SNE of their CLIP embeddings%2.</source>
        <translation>
            <numerusform>%1: %n Bild, t-SNE seiner CLIP-Einbettung%2.</numerusform>
            <numerusform>%1: %n Bilder, t-SNE ihrer CLIP-Einbettungen%2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n images, PCA of their CLIP embeddings%2.</source>
        <translation>
            <numerusform>%1: %n Bild, PCA seiner CLIP-Einbettung%2.</numerusform>
            <numerusform>%1: %n Bilder, PCA ihrer CLIP-Einbettungen%2.</numerusform>
        </translation>
    </message>
    <message>
        <source>Gallery: %1.</source>
        <translation>Galerie: %1.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the %n images selected on the map (the others are of other classes)</source>
        <translation>
            <numerusform>%1 des %n auf der Karte gewählten Bildes (die übrigen gehören zu anderen Klassen)</numerusform>
            <numerusform>%1 der %n auf der Karte gewählten Bilder (die übrigen gehören zu anderen Klassen)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::ExportDialog</name>
    <message>
        <source>all images (no splits)</source>
        <translation>alle Bilder (keine Teilmengen)</translation>
    </message>
    <message>
        <source>Export hard subset — run %1</source>
        <translation>Schwierige Bilder exportieren — Lauf %1</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>The hardest</source>
        <translation>Die schwierigsten</translation>
    </message>
    <message>
        <source>Every image with decision value below</source>
        <translation>Jedes Bild mit Entscheidungswert unter</translation>
    </message>
    <message>
        <source> images of each class</source>
        <translation> Bilder jeder Klasse</translation>
    </message>
    <message>
        <source>Negative decision values lie on the failure side of the class&apos;s direction</source>
        <translation>Negative Entscheidungswerte liegen auf der Fehlerseite der Richtung der Klasse</translation>
    </message>
    <message>
        <source>Only the class “%1”</source>
        <translation>Nur die Klasse „%1“</translation>
    </message>
    <message>
        <source>Reading the run…</source>
        <translation>Lauf wird gelesen…</translation>
    </message>
    <message>
        <source>Folder to export into (created if missing)</source>
        <translation>Zielordner des Exports (wird bei Bedarf angelegt)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Select:</source>
        <translation>Auswahl:</translation>
    </message>
    <message>
        <source>From split:</source>
        <translation>Aus Teilmenge:</translation>
    </message>
    <message>
        <source>Destination:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>Modus:</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>Probleme:</translation>
    </message>
    <message>
        <source>Reading run %1…</source>
        <translation>Lauf %1 wird gelesen…</translation>
    </message>
    <message>
        <source>Read run %1</source>
        <translation>Lauf %1 lesen</translation>
    </message>
    <message>
        <source>Cannot read run %1: %2</source>
        <translation>Lauf %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n image(s))</source>
        <translation>
            <numerusform>%1 (%n Bild)</numerusform>
            <numerusform>%1 (%n Bilder)</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Run %1 has no decision values: no class could be fitted. Run the analysis again with a fit split that has errors.</source>
        <translation>Lauf %1 hat keine Entscheidungswerte: Keine Klasse konnte angepasst werden. Führen Sie die Analyse erneut mit einer Anpassungs-Teilmenge aus, die Fehler enthält.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>Preview export</source>
        <translation>Export-Vorschau</translation>
    </message>
    <message>
        <source>Nothing to export: no image of %1 matches. Raise K or the threshold, or pick another split.</source>
        <translation>Nichts zu exportieren: kein Bild aus %1 passt. Erhöhen Sie K oder den Schwellenwert oder wählen Sie eine andere Teilmenge.</translation>
    </message>
    <message>
        <source>Will export %1 of %2 from %3</source>
        <translation>Zu exportieren: %1 aus %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n Bild</numerusform>
            <numerusform>%n Bilder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n Klasse</numerusform>
            <numerusform>%n Klassen</numerusform>
        </translation>
    </message>
    <message>
        <source>Copies each image to &lt;destination&gt;/&lt;class&gt;/: a standalone ImageFolder tree.</source>
        <translation>Kopiert jedes Bild nach &lt;Ziel&gt;/&lt;Klasse&gt;/: ein eigenständiger ImageFolder-Baum.</translation>
    </message>
    <message>
        <source>Links each image to its file in the dataset: instant and no extra space, but the links break when the dataset moves.</source>
        <translation>Verlinkt jedes Bild mit seiner Datei im Datensatz: sofort und ohne zusätzlichen Speicherplatz, aber die Links brechen, wenn der Datensatz verschoben wird.</translation>
    </message>
    <message>
        <source>Writes only manifest.csv: each image&apos;s path, class, decision value and rank.</source>
        <translation>Schreibt nur manifest.csv: Pfad, Klasse, Entscheidungswert und Rang jedes Bildes.</translation>
    </message>
    <message>
        <source>Export into folder</source>
        <translation>In Ordner exportieren</translation>
    </message>
    <message>
        <source>Choose a destination folder first.</source>
        <translation>Wählen Sie zuerst einen Zielordner.</translation>
    </message>
    <message>
        <source>Export hard subset of run %1 to %2</source>
        <translation>Schwierige Bilder von Lauf %1 nach %2 exportieren</translation>
    </message>
    <message>
        <source>Exported %1 of %2 images…</source>
        <translation>%1 von %2 Bildern exportiert…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Export cancelled. The manifest in %1 lists what was exported; exporting again into the same folder skips those files.</source>
        <translation>Export abgebrochen. Das Manifest in %1 listet, was exportiert wurde; ein erneuter Export in denselben Ordner überspringt diese Dateien.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n image(s) to %1.</source>
        <translation>
            <numerusform>%n Bild nach %1 exportiert.</numerusform>
            <numerusform>%n Bilder nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) were already there and were skipped.</source>
        <translation>
            <numerusform>%n Bild war bereits vorhanden und wurde übersprungen.</numerusform>
            <numerusform>%n Bilder waren bereits vorhanden und wurden übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The export stopped early: see the problems below.</source>
        <translation>Der Export wurde vorzeitig beendet: siehe die Probleme unten.</translation>
    </message>
    <message>
        <source>Manifest: %1</source>
        <translation>Manifest: %1</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>Keine.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Any image</source>
        <translation>Jedes Bild</translation>
    </message>
    <message>
        <source>Only images tagged hard</source>
        <translation>Nur als schwer markierte Bilder</translation>
    </message>
    <message>
        <source>Only images tagged OK</source>
        <translation>Nur als OK markierte Bilder</translation>
    </message>
    <message>
        <source>Your tags (H / O in the gallery): export what you marked, or the hardest among it</source>
        <translation>Ihre Markierungen (H / O in der Galerie): exportieren Sie, was Sie markiert haben, oder das Schwerste davon</translation>
    </message>
    <message>
        <source>Tagged:</source>
        <translation>Markiert:</translation>
    </message>
</context>
<context>
    <name>faultline::FileChooserRow</name>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
</context>
<context>
    <name>faultline::GalleryFilterPanel</name>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source>any class</source>
        <translation>jede Klasse</translation>
    </message>
    <message>
        <source>Predicted as:</source>
        <translation>Vorhergesagt als:</translation>
    </message>
    <message>
        <source>Decision value:</source>
        <translation>Entscheidungswert:</translation>
    </message>
    <message>
        <source>Hardness:</source>
        <translation>Schwierigkeit:</translation>
    </message>
    <message>
        <source>Confidence:</source>
        <translation>Konfidenz:</translation>
    </message>
    <message>
        <source>From (inclusive); the lowest value means no lower bound</source>
        <translation>Von (einschließlich); der kleinste Wert bedeutet keine Untergrenze</translation>
    </message>
    <message>
        <source>To (inclusive); the lowest value means no upper bound</source>
        <translation>Bis (einschließlich); der kleinste Wert bedeutet keine Obergrenze</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter löschen</translation>
    </message>
    <message>
        <source>e.g. a photo of a dark boot</source>
        <translation>z. B. a photo of a dark boot</translation>
    </message>
    <message>
        <source>Only the images closest to this text in CLIP space (embedded with the run&apos;s text model)</source>
        <translation>Nur die Bilder, die diesem Text im CLIP-Raum am nächsten sind (eingebettet mit dem Textmodell des Laufs)</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>How much of the class counts as matching: the closest part, by cosine to the caption</source>
        <translation>Wie viel der Klasse als passend gilt: der nächste Anteil nach Kosinus zur Beschreibung</translation>
    </message>
    <message>
        <source>closest</source>
        <translation>nächste</translation>
    </message>
    <message>
        <source>Caption:</source>
        <translation>Beschreibung:</translation>
    </message>
</context>
<context>
    <name>faultline::GalleryModel</name>
    <message>
        <source>not fitted</source>
        <translation>nicht angepasst</translation>
    </message>
    <message>
        <source>(another class)</source>
        <translation>(eine andere Klasse)</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>korrekt</translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation>fehlklassifiziert</translation>
    </message>
    <message>
        <source>Cannot show the image: %1</source>
        <translation>Das Bild kann nicht angezeigt werden: %1</translation>
    </message>
    <message>
        <source>h %1</source>
        <translation>h %1</translation>
    </message>
    <message>
        <source>Decision value: %1
Hardness: %2
%3 → %4 (%5)
Split: %6
%7</source>
        <translation>Entscheidungswert: %1
Schwierigkeit: %2
%3 → %4 (%5)
Teilmenge: %6
%7</translation>
    </message>
    <message>
        <source>none in this run</source>
        <translation>keine in diesem Lauf</translation>
    </message>
</context>
<context>
    <name>faultline::GalleryView</name>
    <message>
        <source>HARD</source>
        <translation>SCHWIERIG</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>unlesbar</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>korrekt</translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation>fehlklassifiziert</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <source>&amp;Split:</source>
        <translation>&amp;Teilmenge:</translation>
    </message>
    <message>
        <source>All splits</source>
        <translation>Alle Teilmengen</translation>
    </message>
    <message>
        <source>Which split&apos;s images to show</source>
        <translation>Bilder welcher Teilmenge angezeigt werden</translation>
    </message>
    <message>
        <source>S&amp;how:</source>
        <translation>&amp;Anzeigen:</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>Alle Bilder</translation>
    </message>
    <message>
        <source>Correct only</source>
        <translation>Nur korrekte</translation>
    </message>
    <message>
        <source>Incorrect only</source>
        <translation>Nur fehlklassifizierte</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>Miniaturgröße</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>Zoom:</translation>
    </message>
    <message>
        <source>Hardest</source>
        <translation>Schwierigste</translation>
    </message>
    <message>
        <source>Most negative decision value first: the images the failure direction rates most likely to be misclassified</source>
        <translation>Kleinster Entscheidungswert zuerst: die Bilder, die laut Fehlerrichtung am wahrscheinlichsten fehlklassifiziert werden</translation>
    </message>
    <message>
        <source>Easiest</source>
        <translation>Einfachste</translation>
    </message>
    <message>
        <source>Most positive decision value first</source>
        <translation>Größter Entscheidungswert zuerst</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Gallery — %1</source>
        <translation>Galerie — %1</translation>
    </message>
    <message>
        <source>Select a class in the Classes panel to see its hardest and easiest images.</source>
        <translation>Wählen Sie im Bereich „Klassen“ eine Klasse, um ihre schwierigsten und einfachsten Bilder zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n image(s) shown</source>
        <translation>
            <numerusform>%1: %n Bild angezeigt</numerusform>
            <numerusform>%1: %n Bilder angezeigt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n incorrect</source>
        <translation>
            <numerusform>%n fehlklassifiziert</numerusform>
            <numerusform>%n fehlklassifiziert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in the class</source>
        <translation>
            <numerusform>%n in der Klasse</numerusform>
            <numerusform>%n in der Klasse</numerusform>
        </translation>
    </message>
    <message>
        <source>The class “%1” has no images in this run.</source>
        <translation>Die Klasse „%1“ hat in diesem Lauf keine Bilder.</translation>
    </message>
    <message>
        <source>No image of “%1” matches the split and filter chosen above.</source>
        <translation>Kein Bild von „%1“ passt zur oben gewählten Teilmenge und zum Filter.</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Reveal in Folder</source>
        <translation>Im Ordner an&amp;zeigen</translation>
    </message>
    <message>
        <source>&amp;Copy Path</source>
        <translation>Pfad &amp;kopieren</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Copy %n Paths</source>
        <translation>
            <numerusform>%n Pfad &amp;kopieren</numerusform>
            <numerusform>%n Pfade &amp;kopieren</numerusform>
        </translation>
    </message>
    <message>
        <source>Tag as &amp;Hard</source>
        <translation>Als &amp;schwierig markieren</translation>
    </message>
    <message>
        <source>Tag as &amp;OK</source>
        <translation>Als &amp;OK markieren</translation>
    </message>
    <message>
        <source>C&amp;lear Tag</source>
        <translation>Markierung &amp;entfernen</translation>
    </message>
    <message>
        <source>Thumbnail size (%1 / %2)</source>
        <translation>Miniaturgröße (%1 / %2)</translation>
    </message>
    <message>
        <source>Show the whole class</source>
        <translation>Ganze Klasse zeigen</translation>
    </message>
    <message>
        <source>So&amp;rt:</source>
        <translation>So&amp;rtierung:</translation>
    </message>
    <message>
        <source>Decision value</source>
        <translation>Entscheidungswert</translation>
    </message>
    <message>
        <source>Hardness</source>
        <translation>Schwierigkeit</translation>
    </message>
    <message>
        <source>Decision value: the paper&apos;s SVM score. Hardness: the decision value averaged over each image&apos;s neighbourhood, so images in a region of failures come first</source>
        <translation>Entscheidungswert: der SVM-Score des Papers. Schwierigkeit: der Entscheidungswert, gemittelt über die Nachbarschaft jedes Bildes, sodass Bilder in einer Region von Fehlern zuerst kommen</translation>
    </message>
    <message>
        <source>&amp;More Like This</source>
        <translation>Ä&amp;hnliche Bilder</translation>
    </message>
    <message>
        <source>Tagged hard</source>
        <translation>Als schwer markiert</translation>
    </message>
    <message>
        <source>Tagged OK</source>
        <translation>Als OK markiert</translation>
    </message>
    <message>
        <source>Untagged</source>
        <translation>Nicht markiert</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Filters (%1)</source>
        <translation>Filter (%1)</translation>
    </message>
    <message>
        <source>Only images in a range of decision value, hardness or confidence, predicted as a class, or matching a caption</source>
        <translation>Nur Bilder in einem Bereich von Entscheidungswert, Schwierigkeit oder Konfidenz, als eine Klasse vorhergesagt oder passend zu einer Beschreibung</translation>
    </message>
</context>
<context>
    <name>faultline::GeneratedSamplesPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Run the project&apos;s classifier on the samples that have no verdict yet</source>
        <translation>Den Klassifikator des Projekts auf die Beispiele ohne Urteil anwenden</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Copy the samples into a folder per group and class, with generated.csv recording how each was made</source>
        <translation>Die Beispiele in einen Ordner je Gruppe und Klasse kopieren, mit generated.csv, das festhält, wie jedes entstand</translation>
    </message>
    <message>
        <source>Export generated samples to</source>
        <translation>Erzeugte Beispiele exportieren nach</translation>
    </message>
    <message>
        <source>Load generated samples</source>
        <translation>Erzeugte Beispiele laden</translation>
    </message>
    <message>
        <source>Generate samples of %1</source>
        <translation>Beispiele von %1 erzeugen</translation>
    </message>
    <message>
        <source>Cancelled; the samples made so far are kept.</source>
        <translation>Abgebrochen; die bisher erzeugten Beispiele bleiben erhalten.</translation>
    </message>
    <message>
        <source>No generation server is set (Settings ▸ Generation): showing the nearest real images instead.</source>
        <translation>Kein Generierungsserver eingestellt (Einstellungen ▸ Erzeugung): stattdessen werden die nächsten echten Bilder gezeigt.</translation>
    </message>
    <message>
        <source>Generating with %1…</source>
        <translation>Erzeugung mit %1…</translation>
    </message>
    <message>
        <source>Check generated samples of %1</source>
        <translation>Erzeugte Beispiele von %1 prüfen</translation>
    </message>
    <message>
        <source>the project has no classifier: Analysis ▸ Run classifier… gives it one</source>
        <translation>das Projekt hat keinen Klassifikator: Analyse ▸ Klassifikator ausführen… gibt ihm einen</translation>
    </message>
    <message>
        <source>Export generated samples of %1</source>
        <translation>Erzeugte Beispiele von %1 exportieren</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n sample(s) to %1.</source>
        <translation>
            <numerusform>%n Beispiel nach %1 exportiert.</numerusform>
            <numerusform>%n Beispiele nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) were there already and were kept.</source>
        <translation>
            <numerusform>%n Datei war schon vorhanden und blieb erhalten.</numerusform>
            <numerusform>%n Dateien waren schon vorhanden und blieben erhalten.</numerusform>
        </translation>
    </message>
    <message>
        <source>The project has no classifier, so the new images have no verdict yet: Analysis ▸ Run classifier… gives it one.</source>
        <translation>Das Projekt hat keinen Klassifikator, daher haben die neuen Bilder noch kein Urteil: Analyse ▸ Klassifikator ausführen… gibt ihm einen.</translation>
    </message>
    <message>
        <source>The backend returned no images.</source>
        <translation>Der Generator hat keine Bilder geliefert.</translation>
    </message>
    <message>
        <source>%1 %2/%3</source>
        <translation>%1 %2/%3</translation>
    </message>
    <message>
        <source>No generated samples of %1 yet: press Generate.</source>
        <translation>Noch keine erzeugten Beispiele von %1: klicken Sie auf „Erzeugen“.</translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s); none checked by a classifier yet.</source>
        <translation>
            <numerusform>%n Beispiel; noch keines vom Klassifikator geprüft.</numerusform>
            <numerusform>%n Beispiele; noch keines vom Klassifikator geprüft.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s). Classifier correct on: %1</source>
        <translation>
            <numerusform>%n Beispiel. Klassifikator richtig bei: %1</numerusform>
            <numerusform>%n Beispiele. Klassifikator richtig bei: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Make again from its seed</source>
        <translation>Aus seinem Seed neu erzeugen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Generate needs the run&apos;s CLIP text model: %1</source>
        <translation>Erzeugen braucht das CLIP-Textmodell des Laufs: %1</translation>
    </message>
</context>
<context>
    <name>faultline::GenerationSettingsPage</name>
    <message>
        <source>Retrieval: the nearest real images (no server)</source>
        <translation>Abruf: die nächsten echten Bilder (kein Server)</translation>
    </message>
    <message>
        <source>AUTOMATIC1111-compatible text-to-image server</source>
        <translation>AUTOMATIC1111-kompatibler Text-zu-Bild-Server</translation>
    </message>
    <message>
        <source>Embedding decoder for CLIP vectors (unCLIP)</source>
        <translation>Einbettungsdecoder für CLIP-Vektoren (unCLIP)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Generator</translation>
    </message>
    <message>
        <source>&amp;Backend:</source>
        <translation>&amp;Generator:</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>&amp;Token:</translation>
    </message>
    <message>
        <source>Time&amp;out per request:</source>
        <translation>&amp;Zeitlimit pro Anfrage:</translation>
    </message>
    <message>
        <source>&amp;Retries:</source>
        <translation>&amp;Wiederholungen:</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>&amp;Gleichzeitige Anfragen:</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Images per &amp;prompt:</source>
        <translation>Bilder pro &amp;Prompt:</translation>
    </message>
    <message>
        <source>&amp;Size:</source>
        <translation>G&amp;röße:</translation>
    </message>
    <message>
        <source>&amp;Steps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <source>&amp;Guidance scale:</source>
        <translation>Guidance-S&amp;kala:</translation>
    </message>
    <message>
        <source>&amp;Negative prompt:</source>
        <translation>&amp;Negativer Prompt:</translation>
    </message>
    <message>
        <source>Prompts are the hard, easy and reference captions; the slider&apos;s position is sent as the caption nearest to it. Start the web UI with --api.</source>
        <translation>Prompts sind die schwierigen, einfachen und Referenzbeschreibungen; die Reglerposition wird als die ihr nächste Beschreibung gesendet. Starten Sie die Web-UI mit --api.</translation>
    </message>
    <message>
        <source>Decodes the slider&apos;s CLIP vector itself (paper Sec. 2.2). The server must decode the CLIP model the run was embedded with; see packaging/generation-server.</source>
        <translation>Dekodiert den CLIP-Vektor des Reglers selbst (Paper Abschn. 2.2). Der Server muss das CLIP-Modell dekodieren, mit dem der Lauf eingebettet wurde; siehe packaging/generation-server.</translation>
    </message>
    <message>
        <source>Generate shows the class&apos;s real images nearest to each prompt or slider position. Choose a server to make new images.</source>
        <translation>„Erzeugen“ zeigt die echten Bilder der Klasse, die jedem Prompt oder jeder Reglerposition am nächsten sind. Wählen Sie einen Server, um neue Bilder zu machen.</translation>
    </message>
    <message>
        <source>Test generation server</source>
        <translation>Generierungsserver testen</translation>
    </message>
    <message>
        <source>Reachable: %1 at %2</source>
        <translation>Erreichbar: %1 unter %2</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
</context>
<context>
    <name>faultline::GroupAccuracyChart</name>
    <message>
        <source>Classifier accuracy</source>
        <translation>Genauigkeit des Klassifikators</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>schwierig</translation>
    </message>
    <message>
        <source>ref.</source>
        <translation>Ref.</translation>
    </message>
    <message>
        <source>easy</source>
        <translation>einfach</translation>
    </message>
    <message>
        <source>No verdicts yet</source>
        <translation>Noch keine Urteile</translation>
    </message>
</context>
<context>
    <name>faultline::ImageResultTabs</name>
    <message>
        <source>Nearest real images</source>
        <translation>Nächste echte Bilder</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Erzeugt</translation>
    </message>
    <message>
        <source>Generated (%1)</source>
        <translation>Erzeugt (%1)</translation>
    </message>
</context>
<context>
    <name>faultline::InspectorDock</name>
    <message>
        <source>Inspector</source>
        <translation>Inspektor</translation>
    </message>
    <message>
        <source>Select an image in the gallery to inspect it.</source>
        <translation>Wählen Sie ein Bild in der Galerie aus, um es zu untersuchen.</translation>
    </message>
    <message>
        <source>Label:</source>
        <translation>Label:</translation>
    </message>
    <message>
        <source>Prediction:</source>
        <translation>Vorhersage:</translation>
    </message>
    <message>
        <source>Result:</source>
        <translation>Ergebnis:</translation>
    </message>
    <message>
        <source>Confidence:</source>
        <translation>Konfidenz:</translation>
    </message>
    <message>
        <source>Decision value:</source>
        <translation>Entscheidungswert:</translation>
    </message>
    <message>
        <source>Split:</source>
        <translation>Teilmenge:</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>Markierung:</translation>
    </message>
    <message>
        <source>Path:</source>
        <translation>Pfad:</translation>
    </message>
    <message>
        <source>Nearest neighbours in the class</source>
        <translation>Nächste Nachbarn in der Klasse</translation>
    </message>
    <message>
        <source>Indexing %1</source>
        <translation>%1 wird indiziert</translation>
    </message>
    <message>
        <source>No neighbours: %1</source>
        <translation>Keine Nachbarn: %1</translation>
    </message>
    <message>
        <source>Indexing the class…</source>
        <translation>Klasse wird indiziert…</translation>
    </message>
    <message>
        <source>No embeddings for this class.</source>
        <translation>Keine Einbettungen für diese Klasse.</translation>
    </message>
    <message>
        <source>another class</source>
        <translation>eine andere Klasse</translation>
    </message>
    <message>
        <source>✓ correct</source>
        <translation>✓ korrekt</translation>
    </message>
    <message>
        <source>✗ incorrect</source>
        <translation>✗ fehlklassifiziert</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>schwierig</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>none (right-click a tile to tag it)</source>
        <translation>keine (Rechtsklick zum Markieren)</translation>
    </message>
    <message>
        <source>Cannot show the image: %1</source>
        <translation>Das Bild kann nicht angezeigt werden: %1</translation>
    </message>
    <message>
        <source>Nearest neighbours</source>
        <translation>Nächste Nachbarn</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>The class has no other images.</source>
        <translation>Die Klasse hat keine weiteren Bilder.</translation>
    </message>
    <message>
        <source>Cosine %1 · decision value %2 · %3
%4</source>
        <translation>Kosinus %1 · Entscheidungswert %2 · %3
%4</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>korrekt</translation>
    </message>
    <message>
        <source>incorrect</source>
        <translation>fehlklassifiziert</translation>
    </message>
    <message>
        <source>Hardness:</source>
        <translation>Schwierigkeit:</translation>
    </message>
</context>
<context>
    <name>faultline::InterventionsDock</name>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation>Eingriffe</translation>
    </message>
    <message>
        <source>Add hardest pool images (decision value)</source>
        <translation>Schwerste Pool-Bilder hinzufügen (Entscheidungswert)</translation>
    </message>
    <message>
        <source>Add least confident pool images</source>
        <translation>Unsicherste Pool-Bilder hinzufügen</translation>
    </message>
    <message>
        <source>Add random pool images</source>
        <translation>Zufällige Pool-Bilder hinzufügen</translation>
    </message>
    <message>
        <source>Upweight hard training images</source>
        <translation>Schwere Trainingsbilder höher gewichten</translation>
    </message>
    <message>
        <source>Train on generated samples</source>
        <translation>Mit erzeugten Beispielen trainieren</translation>
    </message>
    <message>
        <source>Paper 000 Sec. 3: filtering adds pool images, upweighting weighs the training images the run ranks hardest, synthetic augmentation adds the stored generated samples</source>
        <translation>Paper 000 Abschn. 3: Filtern fügt Pool-Bilder hinzu, Höhergewichten gewichtet die Trainingsbilder, die der Lauf als am schwersten einstuft, synthetische Erweiterung fügt die gespeicherten erzeugten Beispiele hinzu</translation>
    </message>
    <message>
        <source>&amp;Intervention:</source>
        <translation>&amp;Eingriff:</translation>
    </message>
    <message>
        <source>Images per class the intervention adds or upweights</source>
        <translation>Bilder je Klasse, die der Eingriff hinzufügt oder höher gewichtet</translation>
    </message>
    <message>
        <source>&amp;K per class:</source>
        <translation>&amp;K je Klasse:</translation>
    </message>
    <message>
        <source>The weight of the upweighted images (the others keep 1)</source>
        <translation>Das Gewicht der höher gewichteten Bilder (die übrigen behalten 1)</translation>
    </message>
    <message>
        <source>&amp;Factor:</source>
        <translation>&amp;Faktor:</translation>
    </message>
    <message>
        <source>Paper 002 eq. 1: the generated set&apos;s weight against the training set (0.5 a good default)</source>
        <translation>Paper 002 Gl. 1: das Gewicht der erzeugten Menge gegenüber der Trainingsmenge (0,5 ist ein guter Standard)</translation>
    </message>
    <message>
        <source>&amp;λ:</source>
        <translation>&amp;λ:</translation>
    </message>
    <message>
        <source>The hard subpopulation: each class&apos;s K test images the run ranks hardest, fixed before retraining</source>
        <translation>Die schwere Teilpopulation: je Klasse die K Testbilder, die der Lauf als am schwersten einstuft, vor dem Neutraining festgelegt</translation>
    </message>
    <message>
        <source>&amp;Hard test images:</source>
        <translation>&amp;Schwere Testbilder:</translation>
    </message>
    <message>
        <source>&amp;Retrain head</source>
        <translation>Kopf &amp;neu trainieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Show this model</source>
        <translation>Dieses &amp;Modell zeigen</translation>
    </message>
    <message>
        <source>Show the retrained head&apos;s predictions as the current model (analyse it to see its failure modes)</source>
        <translation>Die Vorhersagen des neu trainierten Kopfes als aktuelles Modell zeigen (analysieren Sie es, um seine Fehlermodi zu sehen)</translation>
    </message>
    <message>
        <source>Retrains the last layer of the run&apos;s classifier on the train split plus the intervention, then measures the test split.</source>
        <translation>Trainiert die letzte Schicht des Klassifikators des Laufs auf dem Trainingssplit plus dem Eingriff neu und misst dann den Testsplit.</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Hard subpopulation</source>
        <translation>Schwere Teilpopulation</translation>
    </message>
    <message>
        <source>All test images</source>
        <translation>Alle Testbilder</translation>
    </message>
    <message>
        <source>Retraining with “%1”…</source>
        <translation>Neutraining mit „%1“…</translation>
    </message>
    <message>
        <source>Retraining failed: %1</source>
        <translation>Neutraining fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Retraining cancelled; nothing was stored.</source>
        <translation>Neutraining abgebrochen; nichts wurde gespeichert.</translation>
    </message>
    <message>
        <source>%1 (run %2): hard subpopulation %3, all test images %4. The new head is the model “%5”.</source>
        <translation>%1 (Lauf %2): schwere Teilpopulation %3, alle Testbilder %4. Der neue Kopf ist das Modell „%5“.</translation>
    </message>
</context>
<context>
    <name>faultline::JobRow</name>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop this job; finished work is kept</source>
        <translation>Diese Aufgabe anhalten; bereits Erledigtes bleibt erhalten</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source> %1%</source>
        <translation> %1&#xa0;%</translation>
    </message>
    <message>
        <source> (%1)</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <source>%1 (%L2 s)</source>
        <translation>%1 (%L2 s)</translation>
    </message>
    <message>
        <source>failed at %p%</source>
        <translation>fehlgeschlagen bei %p%</translation>
    </message>
    <message>
        <source>stopped at %p%</source>
        <translation>angehalten bei %p%</translation>
    </message>
</context>
<context>
    <name>faultline::JobsDock</name>
    <message numerus="yes">
        <source>about %n s left</source>
        <translation>
            <numerusform>noch etwa %n s</numerusform>
            <numerusform>noch etwa %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n min left</source>
        <translation>
            <numerusform>noch etwa %n min</numerusform>
            <numerusform>noch etwa %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n h left</source>
        <translation>
            <numerusform>noch etwa %n h</numerusform>
            <numerusform>noch etwa %n h</numerusform>
        </translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>No jobs yet. Opening a dataset or running an analysis starts one.</source>
        <translation>Noch keine Aufgaben. Das Öffnen eines Datensatzes oder eine Analyse startet eine.</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Erledigte entfernen</translation>
    </message>
</context>
<context>
    <name>faultline::MainWindow</name>
    <message>
        <source>Messages</source>
        <translation>Meldungen</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open dataset folder…</source>
        <translation>Datensatzordner &amp;öffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Import embeddings…</source>
        <translation>Einbettungen &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>A&amp;nalyse</translation>
    </message>
    <message>
        <source>&amp;Run analysis…</source>
        <translation>Analyse &amp;ausführen…</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>&amp;Next class</source>
        <translation>&amp;Nächste Klasse</translation>
    </message>
    <message>
        <source>Ctrl+PgDown</source>
        <translation>Ctrl+PgDown</translation>
    </message>
    <message>
        <source>Alt+Down</source>
        <translation>Alt+Down</translation>
    </message>
    <message>
        <source>&amp;Previous class</source>
        <translation>&amp;Vorherige Klasse</translation>
    </message>
    <message>
        <source>Ctrl+PgUp</source>
        <translation>Ctrl+PgUp</translation>
    </message>
    <message>
        <source>Alt+Up</source>
        <translation>Alt+Up</translation>
    </message>
    <message>
        <source>&amp;Find class…</source>
        <translation>Klasse &amp;suchen…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>&amp;Layout zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About Faultline</source>
        <translation>&amp;Über Faultline</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>Open dataset folder</source>
        <translation>Datensatzordner öffnen</translation>
    </message>
    <message>
        <source>Open a dataset folder before importing embeddings.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie Einbettungen importieren.</translation>
    </message>
    <message>
        <source>Import embeddings</source>
        <translation>Einbettungen importieren</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation>NumPy-Arrays (*.npy);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Dataset-relative path of each embedding row</source>
        <translation>Pfad jeder Einbettungszeile relativ zum Datensatz</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open a dataset folder before running an analysis.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie eine Analyse ausführen.</translation>
    </message>
    <message>
        <source>No recent datasets</source>
        <translation>Keine zuletzt geöffneten Datensätze</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>%1 — Faultline</source>
        <translation>%1 — Faultline</translation>
    </message>
    <message>
        <source>Faultline</source>
        <translation>Faultline</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln image(s), %L2 predictions, %L3 embedded</source>
        <translation>
            <numerusform>%1: %Ln Bild, %L2 Vorhersagen, %L3 eingebettet</numerusform>
            <numerusform>%1: %Ln Bilder, %L2 Vorhersagen, %L3 eingebettet</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Export hard subset…</source>
        <translation>Schwere Teilmenge e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Run an analysis before exporting a hard subset.</source>
        <translation>Führen Sie eine Analyse aus, bevor Sie eine schwere Teilmenge exportieren.</translation>
    </message>
    <message>
        <source>Slider &amp;harder</source>
        <translation>Regler sc&amp;hwerer</translation>
    </message>
    <message>
        <source>Ctrl+]</source>
        <translation>Ctrl+]</translation>
    </message>
    <message>
        <source>Slider &amp;easier</source>
        <translation>Regler &amp;leichter</translation>
    </message>
    <message>
        <source>Ctrl+[</source>
        <translation>Ctrl+[</translation>
    </message>
    <message>
        <source>Run &amp;classifier…</source>
        <translation>&amp;Klassifikator ausführen…</translation>
    </message>
    <message>
        <source>Open a dataset folder before running a classifier.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie einen Klassifikator ausführen.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>The classifier whose predictions and failure modes are shown</source>
        <translation>Der Klassifikator, dessen Vorhersagen und Fehlermodi gezeigt werden</translation>
    </message>
    <message>
        <source>&amp;Search images…</source>
        <translation>&amp;Bilder suchen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+F</source>
        <translation>Ctrl+Shift+F</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Tag selection as &amp;hard</source>
        <translation>Auswahl als &amp;schwer markieren</translation>
    </message>
    <message>
        <source>H</source>
        <translation>H</translation>
    </message>
    <message>
        <source>Tag selection as &amp;OK</source>
        <translation>Auswahl als &amp;OK markieren</translation>
    </message>
    <message>
        <source>O</source>
        <translation>O</translation>
    </message>
    <message>
        <source>&amp;Clear the selection&apos;s tag</source>
        <translation>Markierung der Auswahl &amp;entfernen</translation>
    </message>
    <message>
        <source>U</source>
        <translation>U</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>Lauf:</translation>
    </message>
    <message>
        <source>The analysis run every view shows; hover an entry for its parameters</source>
        <translation>Der Analyselauf, den alle Ansichten zeigen; zeigen Sie auf einen Eintrag für seine Parameter</translation>
    </message>
    <message>
        <source>Run %1 · %2</source>
        <translation>Lauf %1 · %2</translation>
    </message>
    <message>
        <source>(latest)</source>
        <translation>(neuester)</translation>
    </message>
    <message>
        <source>Run %1 of %2, finished %3</source>
        <translation>Lauf %1 von %2, beendet %3</translation>
    </message>
    <message>
        <source>Saved &amp;views</source>
        <translation>Gespeicherte &amp;Ansichten</translation>
    </message>
    <message>
        <source>&amp;Save current view…</source>
        <translation>Aktuelle Ansicht &amp;speichern…</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Ansicht speichern</translation>
    </message>
    <message>
        <source>Name of the view:</source>
        <translation>Name der Ansicht:</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Saved the view “%1”</source>
        <translation>Ansicht „%1“ gespeichert</translation>
    </message>
    <message>
        <source>Open the &amp;demo dataset</source>
        <translation>&amp;Demo-Datensatz öffnen</translation>
    </message>
</context>
<context>
    <name>faultline::MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s):
</source>
        <translation>
            <numerusform>%n frühere Meldung:
</numerusform>
            <numerusform>%n frühere Meldungen:
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::ModelsDock</name>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>&amp;Compare models</source>
        <translation>Modelle &amp;vergleichen</translation>
    </message>
    <message>
        <source>Compare every model of the project on the test split</source>
        <translation>Alle Modelle des Projekts auf dem Testsplit vergleichen</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>Klasse:</translation>
    </message>
    <message>
        <source>A project holds one model per prediction set: classify with another model or retrain a head to compare them.</source>
        <translation>Ein Projekt hält ein Modell je Vorhersagemenge: Klassifizieren Sie mit einem weiteren Modell oder trainieren Sie einen Kopf neu, um sie zu vergleichen.</translation>
    </message>
    <message>
        <source>all classes</source>
        <translation>alle Klassen</translation>
    </message>
    <message numerus="yes">
        <source>%Ln test image(s) every model predicted. Cells: IoU of the two models&apos; failures; the diagonal: each model&apos;s accuracy. Click a cell for its images.</source>
        <translation>
            <numerusform>%Ln Testbild, das jedes Modell vorhergesagt hat. Zellen: IoU der Fehler beider Modelle; die Diagonale: die Genauigkeit jedes Modells. Klicken Sie eine Zelle für ihre Bilder an.</numerusform>
            <numerusform>%Ln Testbilder, die jedes Modell vorhergesagt hat. Zellen: IoU der Fehler beider Modelle; die Diagonale: die Genauigkeit jedes Modells. Klicken Sie eine Zelle für ihre Bilder an.</numerusform>
        </translation>
    </message>
    <message>
        <source>acc. %1</source>
        <translation>Gen. %1</translation>
    </message>
    <message>
        <source>%1: %2 of %3 right</source>
        <translation>%1: %2 von %3 richtig</translation>
    </message>
    <message>
        <source>%1 and %2: %3 failures in common of %4 in either</source>
        <translation>%1 und %2: %3 gemeinsame Fehler von %4 in einem der beiden</translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) %1 gets wrong</source>
        <translation>
            <numerusform>%Ln Bild, das %1 falsch klassifiziert</numerusform>
            <numerusform>%Ln Bilder, die %1 falsch klassifiziert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) both %1 and %2 get wrong</source>
        <translation>
            <numerusform>%Ln Bild, das %1 und %2 beide falsch klassifizieren</numerusform>
            <numerusform>%Ln Bilder, die %1 und %2 beide falsch klassifizieren</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::NeighborListModel</name>
    <message>
        <source>cos %1</source>
        <translation>cos %1</translation>
    </message>
    <message>
        <source>Cosine to the query: %1
Decision value: %2
%3
%4</source>
        <translation>Kosinus zur Anfrage: %1
Entscheidungswert: %2
%3
%4</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>korrekt</translation>
    </message>
    <message>
        <source>incorrect: predicted %1</source>
        <translation>fehlklassifiziert: als %1 vorhergesagt</translation>
    </message>
</context>
<context>
    <name>faultline::ProjectSession</name>
    <message>
        <source>… and more problems (see faultline-cli scan)</source>
        <translation>… und weitere Probleme (siehe faultline-cli scan)</translation>
    </message>
    <message>
        <source>Reading classes</source>
        <translation>Klassen werden gelesen</translation>
    </message>
    <message>
        <source>Counting errors</source>
        <translation>Fehler werden gezählt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>„%1“ fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Cannot open %1: not an existing folder</source>
        <translation>%1 kann nicht geöffnet werden: kein vorhandener Ordner</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Importing predictions.csv</source>
        <translation>predictions.csv wird importiert</translation>
    </message>
    <message>
        <source>No predictions: put a predictions.csv (path,prediction[,label,split]) in the dataset folder and open it again.</source>
        <translation>Keine Vorhersagen: Legen Sie eine predictions.csv (path,prediction[,label,split]) in den Datensatzordner und öffnen Sie ihn erneut.</translation>
    </message>
    <message>
        <source>No embeddings: use File ▸ Import embeddings….</source>
        <translation>Keine Einbettungen: Verwenden Sie Datei ▸ Einbettungen importieren…</translation>
    </message>
    <message>
        <source>Open a dataset folder before importing embeddings.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie Einbettungen importieren.</translation>
    </message>
    <message>
        <source>Import embeddings %1</source>
        <translation>Einbettungen %1 importieren</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>Import läuft</translation>
    </message>
    <message>
        <source>Open a dataset folder before running an analysis.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie eine Analyse ausführen.</translation>
    </message>
    <message>
        <source>Analysis of %1</source>
        <translation>Analyse von %1</translation>
    </message>
    <message>
        <source>Importing predictions</source>
        <translation>Vorhersagen werden importiert</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 wird geladen</translation>
    </message>
    <message>
        <source>Importing embeddings</source>
        <translation>Einbettungen werden importiert</translation>
    </message>
    <message>
        <source>the project has no embeddings: compute them with a CLIP model or import them</source>
        <translation>das Projekt hat keine Einbettungen: Berechnen Sie sie mit einem CLIP-Modell oder importieren Sie sie</translation>
    </message>
    <message>
        <source>Load run %1</source>
        <translation>Lauf %1 laden</translation>
    </message>
    <message>
        <source>Load class %1</source>
        <translation>Klasse %1 laden</translation>
    </message>
    <message>
        <source>Reading images and embeddings</source>
        <translation>Bilder und Einbettungen werden gelesen</translation>
    </message>
    <message>
        <source>Reading confidences and tags</source>
        <translation>Konfidenzen und Markierungen werden gelesen</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>skipped: %1</source>
        <translation>übersprungen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Clear the tag of %n image(s)</source>
        <translation>
            <numerusform>Markierung von %n Bild entfernen</numerusform>
            <numerusform>Markierung von %n Bildern entfernen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tag %n image(s) as hard</source>
        <translation>
            <numerusform>%n Bild als schwer markieren</numerusform>
            <numerusform>%n Bilder als schwer markieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tag %n image(s) as OK</source>
        <translation>
            <numerusform>%n Bild als OK markieren</numerusform>
            <numerusform>%n Bilder als OK markieren</numerusform>
        </translation>
    </message>
    <message>
        <source>Scan %1</source>
        <translation>%1 durchsuchen</translation>
    </message>
    <message>
        <source>Open a dataset folder before running a classifier.</source>
        <translation>Öffnen Sie einen Datensatzordner, bevor Sie einen Klassifikator ausführen.</translation>
    </message>
    <message>
        <source>Classifier %1 on %2</source>
        <translation>Klassifikator %1 auf %2</translation>
    </message>
    <message>
        <source>the project has no predictions: choose a predictions CSV (path,prediction) or run a classifier</source>
        <translation>das Projekt hat keine Vorhersagen: wählen Sie eine Vorhersage-CSV (path,prediction) oder führen Sie einen Klassifikator aus</translation>
    </message>
    <message>
        <source>Model %1 has no analysis yet: use Analysis ▸ Run analysis….</source>
        <translation>Modell %1 ist noch nicht analysiert: Verwenden Sie Analyse ▸ Analyse ausführen…</translation>
    </message>
    <message>
        <source>Show model %1</source>
        <translation>Modell %1 zeigen</translation>
    </message>
    <message>
        <source>Retraining starts from an analysis run: run one first.</source>
        <translation>Neutraining geht von einem Analyselauf aus: Führen Sie zuerst einen aus.</translation>
    </message>
    <message>
        <source>Retrain with %1</source>
        <translation>Neutraining mit %1</translation>
    </message>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1: der Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>Compare models</source>
        <translation>Modelle vergleichen</translation>
    </message>
    <message>
        <source>the model of run %1 has no classifier file to retrain: classify the dataset with a TorchScript model first (Analysis ▸ Run classifier…)</source>
        <translation>das Modell von Lauf %1 hat keine Klassifikatordatei zum Neutrainieren: Klassifizieren Sie den Datensatz zuerst mit einem TorchScript-Modell (Analyse ▸ Klassifikator ausführen…)</translation>
    </message>
    <message>
        <source>This installation has no demo dataset.</source>
        <translation>Diese Installation enthält keinen Demo-Datensatz.</translation>
    </message>
    <message>
        <source>Copy the demo dataset</source>
        <translation>Demo-Datensatz kopieren</translation>
    </message>
</context>
<context>
    <name>faultline::RulesDock</name>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Concepts (CLIP text)</source>
        <translation>Konzepte (CLIP-Text)</translation>
    </message>
    <message>
        <source>Embedding dimensions</source>
        <translation>Dimensionen der Einbettung</translation>
    </message>
    <message>
        <source>What the rules may name: each image&apos;s cosine to captions of the class (the generic vocabulary), or the embedding&apos;s own dimensions</source>
        <translation>Was die Regeln nennen dürfen: der Kosinus jedes Bildes zu Beschreibungen der Klasse (das allgemeine Vokabular) oder die Dimensionen der Einbettung selbst</translation>
    </message>
    <message>
        <source>Tree depth: conditions per rule (paper 003 uses 1 to 3)</source>
        <translation>Baumtiefe: Bedingungen je Regel (Paper 003 verwendet 1 bis 3)</translation>
    </message>
    <message>
        <source>Features kept by mutual information with failure before the tree is fitted</source>
        <translation>Merkmale, die nach ihrer Transinformation mit dem Fehler behalten werden, bevor der Baum angepasst wird</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>E&amp;rklären</translation>
    </message>
    <message>
        <source>Fit the tree on the class&apos;s images of the split the run fitted on</source>
        <translation>Den Baum auf den Bildern der Klasse in der Teilmenge anpassen, auf der der Lauf angepasst wurde</translation>
    </message>
    <message>
        <source>Depth:</source>
        <translation>Tiefe:</translation>
    </message>
    <message>
        <source>k:</source>
        <translation>k:</translation>
    </message>
    <message>
        <source>Select a class to explain its failures as rules.</source>
        <translation>Wählen Sie eine Klasse, um ihre Fehler als Regeln zu erklären.</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Bedingung</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <source>Error coverage</source>
        <translation>Fehlerabdeckung</translation>
    </message>
    <message>
        <source>Importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Most matching:</source>
        <translation>Am besten passend:</translation>
    </message>
    <message>
        <source>Least matching:</source>
        <translation>Am wenigsten passend:</translation>
    </message>
    <message>
        <source>The rules are fitted once the CLIP text model is loaded.</source>
        <translation>Die Regeln werden angepasst, sobald das CLIP-Textmodell geladen ist.</translation>
    </message>
    <message>
        <source>Fitting the rules of %1…</source>
        <translation>Regeln von %1 werden angepasst…</translation>
    </message>
    <message>
        <source>Rules of %1</source>
        <translation>Regeln von %1</translation>
    </message>
    <message>
        <source>Cancelled. Press Explain to fit the rules again.</source>
        <translation>Abgebrochen. Klicken Sie auf „Erklären“, um die Regeln erneut anzupassen.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln image(s) of the fit split, %2 failures. Base error rate %3, average leaf error rate (ALER) %4. Choose a leaf to see its images in the gallery.</source>
        <translation>
            <numerusform>%1: %Ln Bild der Anpassungsteilmenge, %2 Fehler. Basisfehlerrate %3, mittlere Blattfehlerrate (ALER) %4. Wählen Sie ein Blatt, um seine Bilder in der Galerie zu sehen.</numerusform>
            <numerusform>%1: %Ln Bilder der Anpassungsteilmenge, %2 Fehler. Basisfehlerrate %3, mittlere Blattfehlerrate (ALER) %4. Wählen Sie ein Blatt, um seine Bilder in der Galerie zu sehen.</numerusform>
        </translation>
    </message>
    <message>
        <source>All images</source>
        <translation>Alle Bilder</translation>
    </message>
    <message>
        <source>%1
%2 of %3 images fail (error rate %4); %5 of the class&apos;s failures (error coverage)</source>
        <translation>%1
%2 von %3 Bildern scheitern (Fehlerrate %4); %5 der Fehler der Klasse (Fehlerabdeckung)</translation>
    </message>
    <message numerus="yes">
        <source>Rule of %1: %2 (%Ln image(s), error rate %3)</source>
        <translation>
            <numerusform>Regel von %1: %2 (%Ln Bild, Fehlerrate %3)</numerusform>
            <numerusform>Regel von %1: %2 (%Ln Bilder, Fehlerrate %3)</numerusform>
        </translation>
    </message>
    <message>
        <source>Images of the class by %1:</source>
        <translation>Bilder der Klasse nach %1:</translation>
    </message>
</context>
<context>
    <name>faultline::RunTextModel</name>
    <message>
        <source>Select a class of an analysis run.</source>
        <translation>Wählen Sie eine Klasse eines Analyselaufs.</translation>
    </message>
    <message>
        <source>Loading the CLIP text model %1…</source>
        <translation>CLIP-Textmodell %1 wird geladen…</translation>
    </message>
    <message>
        <source>This run&apos;s embeddings were imported, so Faultline does not know which CLIP model made them. Choose the checkpoint that embedded the images to rank captions and use the slider.</source>
        <translation>Die Einbettungen dieses Laufs wurden importiert, daher weiß Faultline nicht, mit welchem CLIP-Modell sie erstellt wurden. Wählen Sie den Checkpoint, der die Bilder eingebettet hat, um Beschreibungen zu ordnen und den Schieberegler zu verwenden.</translation>
    </message>
    <message>
        <source>The CLIP text model could not be loaded: %1</source>
        <translation>Das CLIP-Textmodell konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Loading the CLIP text model</source>
        <translation>CLIP-Textmodell wird geladen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>faultline::SampleListModel</name>
    <message>
        <source>hard</source>
        <translation>schwierig</translation>
    </message>
    <message>
        <source>easy</source>
        <translation>einfach</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <source>%1 · α %2</source>
        <translation>%1 · α %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>background</source>
        <translation>Hintergrund</translation>
    </message>
    <message>
        <source>real image</source>
        <translation>echtes Bild</translation>
    </message>
    <message>
        <source>Not checked by a classifier yet</source>
        <translation>Noch nicht vom Klassifikator geprüft</translation>
    </message>
    <message>
        <source>The classifier says %1 (p = %2): correct</source>
        <translation>Der Klassifikator sagt %1 (p = %2): richtig</translation>
    </message>
    <message>
        <source>The classifier says %1 (p(%2) = %3): wrong</source>
        <translation>Der Klassifikator sagt %1 (p(%2) = %3): falsch</translation>
    </message>
    <message>
        <source>%1
Prompt: %2
Backend: %3, seed %4
%5
%6</source>
        <translation>%1
Prompt: %2
Generator: %3, Seed %4
%5
%6</translation>
    </message>
</context>
<context>
    <name>faultline::SearchDock</name>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Describe what to find, e.g. a photo of a boot on grass</source>
        <translation>Beschreiben Sie, was Sie suchen, z. B. a photo of a boot on grass</translation>
    </message>
    <message>
        <source>Selected class</source>
        <translation>Gewählte Klasse</translation>
    </message>
    <message>
        <source>Every class</source>
        <translation>Alle Klassen</translation>
    </message>
    <message>
        <source>Where to search: the selected class&apos;s images or every image of the run</source>
        <translation>Wo gesucht wird: in den Bildern der gewählten Klasse oder in allen Bildern des Laufs</translation>
    </message>
    <message numerus="yes">
        <source>%n images</source>
        <translation>
            <numerusform>%n Bild</numerusform>
            <numerusform>%n Bilder</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a description and press Enter, or choose More Like This on an image.</source>
        <translation>Geben Sie eine Beschreibung ein und drücken Sie Enter, oder wählen Sie „Ähnliche Bilder“ an einem Bild.</translation>
    </message>
    <message>
        <source>Open a dataset with an analysis run to search its images.</source>
        <translation>Öffnen Sie einen Datensatz mit einem Analyselauf, um seine Bilder zu durchsuchen.</translation>
    </message>
    <message>
        <source>The CLIP text model is still loading; search again in a moment.</source>
        <translation>Das CLIP-Textmodell lädt noch; suchen Sie gleich noch einmal.</translation>
    </message>
    <message>
        <source>Select a class first, or search every class.</source>
        <translation>Wählen Sie zuerst eine Klasse, oder suchen Sie in allen Klassen.</translation>
    </message>
    <message>
        <source>Images most like %1</source>
        <translation>Bilder, die %1 am ähnlichsten sind</translation>
    </message>
    <message>
        <source>Images nearest to “%1”</source>
        <translation>Bilder, die „%1“ am nächsten sind</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>Indexing the images to search…</source>
        <translation>Die zu durchsuchenden Bilder werden indiziert…</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n images, %2 misclassified.</source>
        <translation>
            <numerusform>%1: %n Bild, %2 falsch klassifiziert.</numerusform>
            <numerusform>%1: %n Bilder, %2 falsch klassifiziert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>faultline::SettingsDialog</name>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>installiert</translation>
    </message>
    <message>
        <source>partly downloaded (%1)</source>
        <translation>teilweise heruntergeladen (%1)</translation>
    </message>
    <message>
        <source>incomplete file (%1)</source>
        <translation>unvollständige Datei (%1)</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>nicht installiert</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Fetches the selected model into %1</source>
        <translation>Lädt das gewählte Modell nach %1 herunter</translation>
    </message>
    <message>
        <source>Import file…</source>
        <translation>Datei importieren…</translation>
    </message>
    <message>
        <source>Installs the selected model from a file downloaded elsewhere (checked against the catalogue&apos;s SHA-256)</source>
        <translation>Installiert das gewählte Modell aus einer anderswo heruntergeladenen Datei (geprüft gegen die SHA-256 des Katalogs)</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Datei wählen…</translation>
    </message>
    <message>
        <source>Uses any CLIP checkpoint file (.pt or .safetensors) instead of a catalogue model</source>
        <translation>Verwendet eine beliebige CLIP-Checkpoint-Datei (.pt oder .safetensors) statt eines Katalogmodells</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>The CLIP model that embeds datasets which come without embeddings:</source>
        <translation>Das CLIP-Modell, das Datensätze ohne Einbettungen einbettet:</translation>
    </message>
    <message>
        <source>CLIP model</source>
        <translation>CLIP-Modell</translation>
    </message>
    <message>
        <source>One per core (%1)</source>
        <translation>Einer pro Kern (%1)</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Berechnung</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Oberfläche</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>auto uses CUDA when this build&apos;s libtorch has a CUDA device, else the CPU.</source>
        <translation>auto verwendet CUDA, wenn die libtorch dieses Builds ein CUDA-Gerät hat, sonst die CPU.</translation>
    </message>
    <message>
        <source>Checking for CUDA…</source>
        <translation>CUDA wird geprüft…</translation>
    </message>
    <message>
        <source>Check CUDA</source>
        <translation>CUDA prüfen</translation>
    </message>
    <message>
        <source>This build has CUDA: auto runs on the GPU.</source>
        <translation>Dieser Build hat CUDA: auto läuft auf der GPU.</translation>
    </message>
    <message>
        <source>This build has no CUDA device: auto runs on the CPU.</source>
        <translation>Dieser Build hat kein CUDA-Gerät: auto läuft auf der CPU.</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>Datei: %1</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>CLIP checkpoint</source>
        <translation>CLIP-Checkpoint</translation>
    </message>
    <message>
        <source>CLIP checkpoints (*.pt *.safetensors);;All files (*)</source>
        <translation>CLIP-Checkpoints (*.pt *.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import %1 from file</source>
        <translation>%1 aus Datei importieren</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>%1 herunterladen</translation>
    </message>
    <message>
        <source>Downloaded %1.</source>
        <translation>%1 heruntergeladen.</translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation>%1 importieren</translation>
    </message>
    <message>
        <source>Imported %1 from %2.</source>
        <translation>%1 aus %2 importiert.</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 von %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cancelled. A download resumes where it stopped the next time.</source>
        <translation>Abgebrochen. Ein Download wird beim nächsten Mal dort fortgesetzt, wo er aufgehört hat.</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>&amp;CLIP and engine</source>
        <translation>&amp;CLIP und Engine</translation>
    </message>
    <message>
        <source>&amp;Generation</source>
        <translation>&amp;Erzeugung</translation>
    </message>
    <message>
        <source>The language takes effect after a restart.</source>
        <translation>Die Sprache gilt nach einem Neustart.</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Appearance:</source>
        <translation>Darstellung:</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>wird erfragt…</translation>
    </message>
    <message>
        <source>As the download server reports it</source>
        <translation>Wie der Download-Server sie meldet</translation>
    </message>
    <message>
        <source>Ask model sizes</source>
        <translation>Modellgrößen erfragen</translation>
    </message>
</context>
<context>
    <name>faultline::SplitTitle</name>
    <message>
        <source>Train</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>faultline::TextModelStatus</name>
    <message>
        <source>Choose checkpoint…</source>
        <translation>Checkpoint wählen…</translation>
    </message>
    <message>
        <source>The CLIP checkpoint file that embedded this run&apos;s images</source>
        <translation>Die CLIP-Checkpoint-Datei, die die Bilder dieses Laufs eingebettet hat</translation>
    </message>
    <message>
        <source>Choose the CLIP checkpoint</source>
        <translation>CLIP-Checkpoint wählen</translation>
    </message>
    <message>
        <source>CLIP checkpoints (*.safetensors *.pt *.bin);;All files (*)</source>
        <translation>CLIP-Checkpoints (*.safetensors *.pt *.bin);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>faultline::ThumbnailCache</name>
    <message>
        <source>the file could not be decoded</source>
        <translation>die Datei konnte nicht dekodiert werden</translation>
    </message>
</context>
<context>
    <name>faultline::WelcomePage</name>
    <message>
        <source>Faultline</source>
        <translation>Faultline</translation>
    </message>
    <message>
        <source>Find, explain and fix where your image classifier fails.</source>
        <translation>Finden, erklären und beheben Sie, wo Ihr Bildklassifikator versagt.</translation>
    </message>
    <message>
        <source>Open dataset folder…</source>
        <translation>Datensatzordner öffnen…</translation>
    </message>
    <message>
        <source>&lt;p&gt;A dataset folder holds images as &lt;tt&gt;ROOT/&amp;lt;split&amp;gt;/&amp;lt;class&amp;gt;/&amp;lt;file&amp;gt;&lt;/tt&gt; or &lt;tt&gt;ROOT/&amp;lt;class&amp;gt;/&amp;lt;file&amp;gt;&lt;/tt&gt; and the classifier&apos;s predictions as &lt;tt&gt;predictions.csv&lt;/tt&gt; (&lt;tt&gt;path,prediction&lt;/tt&gt;). Faultline asks for whatever is missing: predictions, embeddings or a CLIP model to compute them.&lt;/p&gt;&lt;p&gt;You can also drop a folder onto this window.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ein Datensatzordner enthält Bilder als &lt;tt&gt;ROOT/&amp;lt;Teilmenge&amp;gt;/&amp;lt;Klasse&amp;gt;/&amp;lt;Datei&amp;gt;&lt;/tt&gt; oder &lt;tt&gt;ROOT/&amp;lt;Klasse&amp;gt;/&amp;lt;Datei&amp;gt;&lt;/tt&gt; und die Vorhersagen des Klassifikators als &lt;tt&gt;predictions.csv&lt;/tt&gt; (&lt;tt&gt;path,prediction&lt;/tt&gt;). Faultline fragt nach allem, was fehlt: Vorhersagen, Einbettungen oder einem CLIP-Modell, um sie zu berechnen.&lt;/p&gt;&lt;p&gt;Sie können auch einen Ordner auf dieses Fenster ziehen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Recent datasets</source>
        <translation>Zuletzt geöffnete Datensätze</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>None yet</source>
        <translation>Noch keine</translation>
    </message>
    <message>
        <source>Open the demo dataset</source>
        <translation>Demo-Datensatz öffnen</translation>
    </message>
    <message>
        <source>9,000 Fashion-MNIST images with two planted failure modes (rotated bags and sneakers), a classifier&apos;s predictions and embeddings: copied to your data folder and analysed at once</source>
        <translation>9.000 Fashion-MNIST-Bilder mit zwei eingebauten Fehlermodi (gedrehte Taschen und Sneaker), den Vorhersagen eines Klassifikators und Einbettungen: in Ihren Datenordner kopiert und sofort analysiert</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Faultline: find where an image classifier fails.</source>
        <translation>Faultline: findet, wo ein Bildklassifikator versagt.</translation>
    </message>
    <message>
        <source>Dataset folder to open.</source>
        <translation>Zu öffnender Datensatzordner.</translation>
    </message>
    <message>
        <source>Open DATASET, wait for its jobs, save PNGs of the window and each dock into DIR, and quit.</source>
        <translation>DATASET öffnen, auf dessen Aufgaben warten, PNGs des Fensters und jedes Docks in DIR speichern und beenden.</translation>
    </message>
</context>
</TS>
