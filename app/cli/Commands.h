#pragma once

#include <QStringList>

// One function per faultline-cli command; each parses its own arguments (args[0] is the
// command name) and returns the process exit status.
int analyzeCommand(const QStringList &args);
int exportCommand(const QStringList &args);
int exportGeneratedCommand(const QStringList &args);
int modelsCommand(const QStringList &args);
int runsCommand(const QStringList &args);
int scanCommand(const QStringList &args);
int pruneCommand(const QStringList &args);
int embedCommand(const QStringList &args);
int importCommand(const QStringList &args);
int embedTextCommand(const QStringList &args);
int captionsCommand(const QStringList &args);
int validateCaptionCommand(const QStringList &args);
int slerpCommand(const QStringList &args);
int generateCommand(const QStringList &args);
int checkGeneratedCommand(const QStringList &args);
int samplesCommand(const QStringList &args);
int modesCommand(const QStringList &args);
int predictCommand(const QStringList &args);
int retrainCommand(const QStringList &args);
int interventionsCommand(const QStringList &args);
int predictionsCommand(const QStringList &args);
int compareCommand(const QStringList &args);
int rulesCommand(const QStringList &args);
int searchCommand(const QStringList &args);
int mapCommand(const QStringList &args);
