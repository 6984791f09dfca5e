using System.Text;
using Loos.Edge.MBus;

namespace Loos.Edge.Verbs.MBus;

/// <summary>A telegram as the <c>decode</c> and <c>read</c> verbs print it: the header, then one line per record.</summary>
internal static class MBusText
{
    public static string Describe(MBusTelegramHeader header, IReadOnlyList<MBusRecord> records, int telegrams)
    {
        var text = new StringBuilder();
        if (header.Error is { } applicationError)
        {
            text.Append(CultureInfo.InvariantCulture, $"application error {header.ErrorCode}: {applicationError}");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"manufacturer {header.Manufacturer ?? "-"}, identification {header.Identification ?? "-"}, version {header.Version?.ToString(CultureInfo.InvariantCulture) ?? "-"}, medium {header.Medium ?? "-"}").AppendLine();
        var telegramCount = telegrams > 1 ? string.Create(CultureInfo.InvariantCulture, $" in {telegrams} telegrams") : string.Empty;
        text.Append(CultureInfo.InvariantCulture, $"access number {header.AccessNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"}, status 0x{header.Status ?? 0:X2}, {records.Count} records{telegramCount}").AppendLine();
        foreach (var record in records)
        {
            var value = record.Value is { } number ? number.ToString("G15", CultureInfo.InvariantCulture) : record.Text ?? "(no value)";
            text.Append(CultureInfo.InvariantCulture, $"{MBusJson.FunctionName(record.Function),-20} s{record.Storage} t{record.Tariff} u{record.Subunit}  {record.Quantity,-28} {value} {record.Unit}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
