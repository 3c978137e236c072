#include "demo_project.h"

#include "store/importer.h"
#include "store/verification.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <stdexcept>

// Resources compiled into a static library are registered only when asked for by name.
static void initDemoResources() {
    Q_INIT_RESOURCE(resources);
}

namespace gpo::ui {
namespace {

struct DemoPart {
    const char* resource;
    const char* format;
    const char* dataset;
};

constexpr DemoPart kParts[] = {
    {":/demo/gsm8k_train_sample.jsonl", "gsm8k", "gsm8k"},
    {":/demo/math_train_sample.jsonl", "math500", "math"},
    {":/demo/math500_test_sample.jsonl", "math500", "math500"},
};

} // namespace

QString defaultDemoProjectPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/demo.gpo");
}

void initResources() {
    initDemoResources();
}

void ensureDemoProject(const QString& path, const Registry& registry) {
    initResources();
    if (QFileInfo::exists(path)) return;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QTemporaryDir scratch;
    if (!scratch.isValid()) throw std::runtime_error("cannot make a temporary folder for the demo data");
    const QString building = path + QStringLiteral(".building");
    for (const char* suffix : {"", "-wal", "-shm"})
        QFile::remove(building + QLatin1String(suffix));
    {
        auto project = Project::open(building.toStdString(), OpenMode::Create);
        Importer importer(project, registry);
        for (const DemoPart& part : kParts) {
            const QString file = scratch.filePath(QFileInfo(QString::fromLatin1(part.resource)).fileName());
            if (!QFile::copy(QString::fromLatin1(part.resource), file))
                throw std::runtime_error(std::string("demo data missing from the build: ") + part.resource);
            ImportOptions o;
            o.format = part.format;
            o.dataset = part.dataset;
            importer.importPath(file.toStdString(), o);
        }
        verifyTrajectories(project, registry, {});
    } // closing the last connection checkpoints the WAL into the file
    if (!QFile::rename(building, path))
        throw std::runtime_error("cannot move the demo project to " + path.toStdString());
}

} // namespace gpo::ui
