using System.Globalization;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs;

namespace Loos.Edge.Commissioning;

/// <summary>The site test's table: one row per point read, or per device that could not be read with the reason.</summary>
internal static class SiteTestTable
{
    private static readonly string[] Headers = ["device", "point", "value", "unit", "quality", "time", "problem"];

    public static string Text(IReadOnlyList<DeviceReading> rows)
    {
        var cells = rows.Select(row => new[]
        {
            row.Device,
            row.Point,
            row.Value is { } value ? value.ToString("G10", CultureInfo.InvariantCulture) : "-",
            row.Unit,
            row.Quality,
            row.Time is { } time ? time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-",
            row.Reason ?? string.Empty,
        }).ToList();
        var widths = Headers.Select((header, column) => cells.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var line in cells.Prepend(Headers))
        {
            // The problem, the last column, is not padded: it may be long.
            text.WriteLine(string.Join("  ", line.Select((cell, column) => column == 2 ? cell.PadLeft(widths[column]) : column == line.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }

        var failed = rows.Where(row => row.Reason is not null).Select(row => row.Device).Distinct().Count();
        text.Write($"{rows.Count(row => row.Reason is null)} value(s) read from {rows.Where(row => row.Reason is null).Select(row => row.Device).Distinct().Count()} device(s); {failed} device(s) with a problem");
        return text.ToString();
    }

    public static string Json(IReadOnlyList<DeviceReading> rows) => JsonText.Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("device", row.Device);
            writer.WriteString("point", row.Point);
            writer.WriteNumberOrNull("value", row.Value);
            writer.WriteString("unit", row.Unit);
            writer.WriteString("quality", row.Quality);
            if (row.Time is { } time)
            {
                writer.WriteString("time", time.UtcDateTime);
            }
            else
            {
                writer.WriteNull("time");
            }

            if (row.Reason is { } reason)
            {
                writer.WriteString("problem", reason);
            }
            else
            {
                writer.WriteNull("problem");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }, indented: true);
}
