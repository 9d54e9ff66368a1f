using System.Text.RegularExpressions;

namespace SharpDistill.Tests.Repository;

/// <summary>
/// The repository stands alone: a user who clones it has nothing beside it, so no file we ship may read
/// or send the reader to a folder outside the repository (the team's old starting material beside it) or to
/// method notes that live elsewhere. Method documentation is in docs/, reference data in tests/data/.
/// </summary>
public class StandsAloneTests
{
    private static readonly string[] Scanned = ["src", "tests", "docs", "scripts", "native", "configs", ".ci"];

    private static readonly string[] TopLevel = ["README.md", "run.sh", "test.sh", "sharpdistill", "Directory.Build.props"];

    // The old material's folder one level up and its spec/vectors subfolders, the notes' folder "spec/" or their "design.md"
    // (neither is in the repository), or a bare spec-file citation such as "crld.md §2" that names no
    // folder of ours (docs/methods/crld.md is fine).
    private static readonly Regex OutsideReference = new(
        @"\.\./shared|shared/(spec|vectors)|(?<![\w./-])spec/|\bdesign\.md|(?<![\w/.-])(crld|dcd|cmkd|baselines|models)\.md\s*§",
        RegexOptions.Compiled);

    [Fact]
    public void NothingRefersToFilesOutsideTheRepository()
    {
        var offenders = ShippedTextFiles()
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(x => OutsideReference.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.Root, x.path)}:{x.number}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "files that refer outside the repository:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheCheckFindsAnOutsideReference()
    {
        Assert.Matches(OutsideReference, "see ../" + "shared/" + "vectors/losses.json");
        Assert.Matches(OutsideReference, "/// the mask of crld.md §2.2");
        Assert.Matches(OutsideReference, "// spec/crld.md: the schedule");
        Assert.Matches(OutsideReference, "/// as in the recipes of spec/ (\"epoch e\")");
        Assert.Matches(OutsideReference, " * Rules (see shared design.md, \"Rules of the native boundary\"):");
        Assert.DoesNotMatch(OutsideReference, "the format's public spec: https://example.org/spec/format");
        Assert.DoesNotMatch(OutsideReference, "/// the mask of docs/methods/crld.md §2");
        Assert.DoesNotMatch(OutsideReference, "a shared weight is listed once");
    }

    private static IEnumerable<string> ShippedTextFiles()
    {
        // This file spells the patterns out, so it is the one file not scanned.
        var self = Path.Combine(RepoPaths.Root, "tests", "SharpDistill.Tests", "Repository", "StandsAloneTests.cs");
        var files = Scanned
            .Select(dir => Path.Combine(RepoPaths.Root, dir))
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            .Concat(TopLevel.Select(name => Path.Combine(RepoPaths.Root, name)).Where(File.Exists));
        return files.Where(path => !IsBuildOutputOrData(path) && path != self);
    }

    private static bool IsBuildOutputOrData(string path)
    {
        var relative = Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');
        string[] skippedFolders = ["/bin/", "/obj/", "native/build", "/testdata/", "/TestFiles/", "tests/data/"];
        if (skippedFolders.Any(relative.Contains) || relative.StartsWith("native/build")) return true;
        string[] textExtensions = [".cs", ".csproj", ".md", ".sh", ".py", ".cpp", ".h", ".txt", ".yaml", ".yml", ".json", ".props", ".slnx", ""];
        return !textExtensions.Contains(Path.GetExtension(path));
    }
}
