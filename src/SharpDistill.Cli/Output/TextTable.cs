using Spectre.Console;
using Spectre.Console.Rendering;

namespace SharpDistill.Cli.Output;

/// <summary>A column of a <see cref="TextTable"/>; numbers read best right-aligned.</summary>
public sealed record TextColumn(string Header, bool RightAligned = false);

/// <summary>
/// A table for the CLI's listings. On an interactive terminal it is drawn with Spectre.Console
/// (borders, colours); anywhere else (a pipe, a file, a test's StringWriter) it is plain text in
/// aligned columns separated by two spaces, which grep, awk and diff handle.
/// </summary>
public sealed class TextTable
{
    private readonly IReadOnlyList<TextColumn> columns;
    private readonly List<string[]> rows = new();

    public TextTable(params TextColumn[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("a table needs at least one column", nameof(columns));
        this.columns = columns;
    }

    public int RowCount => rows.Count;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Count)
            throw new ArgumentException($"a row of this table has {columns.Count} cells, got {cells.Length}", nameof(cells));
        rows.Add(cells);
    }

    /// <summary>Writes the table to <paramref name="output"/>: Spectre.Console when that is the terminal's stdout, plain text otherwise.</summary>
    public void Write(TextWriter output)
    {
        if (IsInteractiveStdout(output)) WriteSpectre();
        else WritePlain(output);
    }

    /// <summary>True only for the process's own stdout attached to a terminal (not redirected).</summary>
    public static bool IsInteractiveStdout(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public void WritePlain(TextWriter output)
    {
        var widths = columns.Select((c, i) => rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((cell, i) => columns[i].RightAligned ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(columns.Select(c => c.Header).ToArray()));
        foreach (var row in rows) output.WriteLine(Line(row));
    }

    private void WriteSpectre()
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
            table.AddColumn(new TableColumn(new Text(column.Header, new Style(decoration: Decoration.Bold)))
            {
                Alignment = column.RightAligned ? Justify.Right : Justify.Left,
            });
        // Text, not markup: cell contents such as "[2, 3]" must not be read as Spectre styles.
        foreach (var row in rows) table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        AnsiConsole.Write(table);
    }
}
