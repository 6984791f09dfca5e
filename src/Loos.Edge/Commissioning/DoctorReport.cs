using System.Globalization;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs;

namespace Loos.Edge.Commissioning;

/// <summary>One line of the doctor's report: the check's name and what it found.</summary>
internal sealed record DoctorLine(string Name, CheckResult Result);

/// <summary>The doctor's report as a technician reads it (one line per check, the fix under it) or as JSON.</summary>
internal static class DoctorReport
{
    public static string Text(IReadOnlyList<DoctorLine> lines)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var line in lines)
        {
            text.WriteLine($"{Word(line.Result.Verdict),-5} {line.Name}: {line.Result.Detail}");
            if (line.Result.Fix is { } fix)
            {
                text.WriteLine($"      fix: {fix}");
            }
        }

        text.Write(Summary(lines));
        return text.ToString();
    }

    public static string Json(string siteFile, IReadOnlyList<DoctorLine> lines) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("siteFile", siteFile);
        writer.WriteString("verdict", Word(Overall(lines)));
        writer.WriteStartArray("checks");
        foreach (var line in lines)
        {
            writer.WriteStartObject();
            writer.WriteString("name", line.Name);
            writer.WriteString("verdict", Word(line.Result.Verdict));
            writer.WriteString("detail", line.Result.Detail);
            if (line.Result.Fix is { } fix)
            {
                writer.WriteString("fix", fix);
            }
            else
            {
                writer.WriteNull("fix");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }, indented: true);

    public static CheckVerdict Overall(IReadOnlyList<DoctorLine> lines) => lines.Count == 0 ? CheckVerdict.Pass : lines.Max(line => line.Result.Verdict);

    private static string Summary(IReadOnlyList<DoctorLine> lines) =>
        $"{lines.Count(l => l.Result.Verdict == CheckVerdict.Pass)} passed, {lines.Count(l => l.Result.Verdict == CheckVerdict.Warn)} warning(s), {lines.Count(l => l.Result.Verdict == CheckVerdict.Fail)} failed";

    private static string Word(CheckVerdict verdict) => verdict.ToString().ToLowerInvariant();
}
