using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Toolbox;

namespace Dotcat.Tests.InMemory.Toolbox;

public sealed class SendFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dc");

    private IReadOnlyList<FileToSend> Find(string[] includes, string[] excludes)
    {
        IReadOnlyList<FileToSend> files = SendFiles.Find(_root.FullName, includes, excludes, out string? problem);
        problem.ShouldBeNull();
        return files;
    }

    public SendFilesTests()
    {
        foreach (string file in new[] { "logs/b.log", "logs/a.log", "logs/Z.log", "logs/old/z.log", "logs/app/c.log", "logs/notes.txt", "top.log" })
            Write(file, file);
    }

    [Fact]
    public void Matching_files_come_in_ordinal_order_of_relative_path()
    {
        IReadOnlyList<FileToSend> files = Find(["logs/**/*.log"], []);

        files.Select(f => f.RelativePath).ShouldBe(["logs/Z.log", "logs/a.log", "logs/app/c.log", "logs/b.log", "logs/old/z.log"]);
        files[0].FullPath.ShouldBe(Path.Combine(_root.FullName, "logs", "Z.log"));
    }

    [Fact]
    public void Excludes_win_and_several_includes_are_merged_without_duplicates()
    {
        IReadOnlyList<FileToSend> files = Find(["logs/*.log", "logs/a.log", "*.log"], ["**/old/**", "logs/Z.log"]);

        files.Select(f => f.RelativePath).ShouldBe(["logs/a.log", "logs/b.log", "top.log"]);
    }

    [Fact]
    public void A_star_stays_within_one_directory()
    {
        Find(["*.log"], []).Select(f => f.RelativePath).ShouldBe(["top.log"]);
    }

    [Fact]
    public void No_match_is_a_usage_error_naming_the_patterns()
    {
        SendFiles.Find(_root.FullName, ["*.none", "x/**"], [], out string? problem).ShouldBeEmpty();
        problem.ShouldBe("--send: no file matches '*.none', 'x/**'");
        CommandLine.Parse(["--send", "*.none", "--send", "x/**", "h", "1"], _root.FullName).UsageError.ShouldBe(problem);
    }

    [Fact]
    public void Everything_excluded_is_a_usage_error_too()
    {
        SendFiles.Find(_root.FullName, ["top.log"], ["*.log"], out string? problem).ShouldBeEmpty();
        problem.ShouldBe("--send: no file matches 'top.log' (after --exclude)");
    }

    [Fact]
    public async Task The_source_yields_every_file_in_turn_then_EOF_and_lists_them_with_v()
    {
        var stderr = new StringWriter();
        using var source = new FilesSource(Find(["logs/*.log"], []), new Log(stderr, verbosity: 1));
        using var all = new MemoryStream();
        var buffer = new byte[3];
        int read;
        while ((read = await source.ReadAsync(buffer, CancellationToken.None)) > 0)
            all.Write(buffer, 0, read);

        System.Text.Encoding.ASCII.GetString(all.ToArray()).ShouldBe("logs/Z.loglogs/a.loglogs/b.log");
        stderr.ToString().ShouldBe("dotcat: sending logs/Z.log (10 bytes)\ndotcat: sending logs/a.log (10 bytes)\ndotcat: sending logs/b.log (10 bytes)\n");
    }

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
