using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Loos.Edge.MBus;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests;

/// <summary>Reads the libmbus corpus in place: hex frames and the expected XML (UTF-8 despite its ISO-8859-1 declaration).</summary>
internal static class LibmbusCorpus
{
    public const string Folder = "mbus/libmbus";

    public static string Path(string subfolder) => System.IO.Path.Combine(RepositoryPaths.CorpusFolder(Folder)!, subfolder);

    public static IEnumerable<string> Frames(string subfolder) =>
        Directory.EnumerateFiles(Path(subfolder), "*.hex").Order(StringComparer.Ordinal);

    public static byte[] ReadFrame(string hexPath)
    {
        if (!MBusHex.TryParse(File.ReadAllText(hexPath), out var bytes, out var problem))
        {
            throw new InvalidDataException($"{hexPath}: {problem}");
        }

        return bytes;
    }

    public static XDocument ReadXml(string path) => XDocument.Parse(File.ReadAllText(path, Encoding.UTF8), LoadOptions.PreserveWhitespace);

    // libmbus's medium texts and the names of EN 13757-3 device types used by the decoder.
    private static readonly Dictionary<string, string> Media = new(StringComparer.Ordinal)
    {
        ["Breaker: Electricity"] = "breaker (electricity)",
        ["Bus/System"] = "bus / system component",
        ["Cold water"] = "cold water",
        ["Electricity"] = "electricity",
        ["Gas"] = "gas",
        ["Heat / Cooling load meter"] = "heat / cooling load meter",
        ["Heat Cost Allocator"] = "heat cost allocator",
        ["Heat: Inlet"] = "heat (inlet)",
        ["Heat: Outlet"] = "heat (outlet)",
        ["Heat"] = "heat",
        ["Oil"] = "oil",
        ["Other"] = "other",
        ["Warm water (30-90°C)"] = "warm water (30-90 °C)",
        ["Water"] = "water",
    };

    // libmbus's quantity labels and the decoder's quantity names; plain-text VIF labels are compared as they are.
    private static readonly Dictionary<string, string> Quantities = new(StringComparer.Ordinal)
    {
        [""] = "",
        ["Energy"] = "energy",
        ["Volume"] = "volume",
        ["Volume flow"] = "volumeFlow",
        ["Power"] = "power",
        ["Flow temperature"] = "flowTemperature",
        ["Return temperature"] = "returnTemperature",
        ["Temperature difference"] = "temperatureDifference",
        ["External temperature"] = "externalTemperature",
        ["Fabrication No"] = "fabricationNumber",
        ["(Enhanced) Identification"] = "enhancedIdentification",
        ["On time"] = "onTime",
        ["Operating time"] = "operatingTime",
        ["Time point (date)"] = "date",
        ["Time point (date & time)"] = "dateTime",
        ["Averaging Duration"] = "averagingDuration",
        ["Actuality Duration"] = "actualityDuration",
        ["H.C.A."] = "hcaUnits",
        ["Reserved"] = "reserved",
        ["Manufacturer specific"] = "manufacturerSpecific",
        ["Current"] = "current",
        ["Voltage"] = "voltage",
        ["Error flags"] = "errorFlags",
        ["Digital Input"] = "digitalInput",
        ["Digital Output"] = "digitalOutput",
        ["Firmware version"] = "firmwareVersion",
        ["Software version"] = "softwareVersion",
        ["Model / Version"] = "modelVersion",
        ["Parameter set identification"] = "parameterSetIdentification",
        ["Customer location"] = "customerLocation",
        ["Medium"] = "medium",
        ["Dimensionless"] = "dimensionless",
        ["Reset counter"] = "resetCounter",
        ["Special supplier information"] = "specialSupplierInformation",
    };

    private static readonly Dictionary<string, MBusFunction> Functions = new(StringComparer.Ordinal)
    {
        ["Instantaneous value"] = MBusFunction.Instantaneous,
        ["Maximum value"] = MBusFunction.Maximum,
        ["Minimum value"] = MBusFunction.Minimum,
        ["Value during error state"] = MBusFunction.ErrorState,
        ["Manufacturer specific"] = MBusFunction.ManufacturerSpecific,
        ["More records follow"] = MBusFunction.MoreRecordsFollow,
        ["Actual value"] = MBusFunction.Actual,
    };

    /// <summary>Every difference between the decoded telegram and libmbus's normalised output; empty when they agree.</summary>
    public static List<string> Compare(MBusTelegram telegram, XDocument expected, XDocument raw)
    {
        var rawRecords = raw.Root!.Elements("DataRecord").ToList();
        var problems = new List<string>();
        var slave = expected.Root!.Element("SlaveInformation")!;
        void Check(string field, string? want, string? got)
        {
            if (want is not null && want != got)
            {
                problems.Add($"{field}: expected '{want}', decoded '{got}'");
            }
        }

        Check("Id", slave.Element("Id")?.Value.TrimStart('0'), telegram.Header.Identification?.TrimStart('0'));
        Check("Manufacturer", slave.Element("Manufacturer")?.Value, telegram.Header.Manufacturer);
        Check("Version", slave.Element("Version")?.Value, telegram.Header.Version?.ToString(CultureInfo.InvariantCulture));
        Check("AccessNumber", slave.Element("AccessNumber")?.Value, telegram.Header.AccessNumber?.ToString(CultureInfo.InvariantCulture));
        Check("Status", slave.Element("Status")?.Value, telegram.Header.Status?.ToString("X2", CultureInfo.InvariantCulture));
        Check("Signature", slave.Element("Signature")?.Value, telegram.Header.Signature?.ToString("X4", CultureInfo.InvariantCulture));
        var medium = slave.Element("Medium")?.Value;
        Check("Medium", medium is null ? null : Media.GetValueOrDefault(medium, "unmapped " + medium), telegram.Header.Medium);

        var records = expected.Root.Elements("DataRecord").ToList();
        if (records.Count != telegram.Records.Count)
        {
            problems.Add($"expected {records.Count} records, decoded {telegram.Records.Count}");
            return problems;
        }

        for (var index = 0; index < records.Count; index++)
        {
            var want = records[index];
            var got = telegram.Records[index];
            var at = $"record {index}";
            if (want.Element("Function") is null)
            {
                // libmbus writes an empty record for a reserved VIF (sen_pollutherm, VIF 0x7B).
                Check($"{at} quantity", "reserved", got.Quantity);
                continue;
            }

            if (Functions[want.Element("Function")!.Value] != got.Function)
            {
                problems.Add($"{at} function: expected {want.Element("Function")!.Value}, decoded {got.Function}");
            }

            Check($"{at} storage", want.Element("StorageNumber")?.Value, got.Storage.ToString(CultureInfo.InvariantCulture));
            Check($"{at} tariff", want.Element("Tariff")?.Value ?? "0", got.Tariff.ToString(CultureInfo.InvariantCulture));
            Check($"{at} subunit", want.Element("Device")?.Value ?? "0", got.Subunit.ToString(CultureInfo.InvariantCulture));
            if (want.Element("Quantity") is { } quantity)
            {
                Check($"{at} quantity", Quantities.GetValueOrDefault(quantity.Value, quantity.Value), got.Quantity);
            }

            var unit = want.Element("Unit")?.Value ?? string.Empty;
            var value = want.Element("Value")?.Value ?? string.Empty;
            var rawValue = rawRecords[index].Element("Value")?.Value ?? string.Empty;
            var tail = got.Function is MBusFunction.ManufacturerSpecific or MBusFunction.MoreRecordsFollow;
            if (!tail && rawValue.Length > 0 && rawValue.All(char.IsAsciiHexDigitUpper) && rawValue.Any(char.IsAsciiLetterUpper))
            {
                // A BCD field holding hex digits A–F is an error code (EN 13757-3, BCD with hex codes), not a number: libmbus's
                // normalised figure for it is an artefact of its digit loop, so the decoder keeps the digits as text.
                if (got.Value is not null || got.Text != rawValue)
                {
                    problems.Add($"{at} ({got.Quantity}) invalid BCD: expected text '{rawValue}' and no number, decoded {got.Value?.ToString(CultureInfo.InvariantCulture) ?? got.Text}");
                }
            }
            else if (!tail && value.TrimEnd('Z') == "1900-01-00T00:00:00")
            {
                // libmbus prints a type F date-time flagged invalid (minute bit 7) as zeros; the decoder gives no value.
                if (got.Value is not null || got.Text is not null)
                {
                    problems.Add($"{at} ({got.Quantity}) invalid date-time: expected no value, decoded {got.Text}");
                }
            }
            else if (!tail && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                // Physical equality: libmbus keeps J, l and kWh where the decoder gives Wh and m³.
                var expectedNumber = unit switch
                {
                    "J" => number / 3600,
                    "l" => number / 1000,
                    "kWh" => number * 1000,
                    _ => number,
                };
                if (got.Value is not { } decoded || Math.Abs(decoded - expectedNumber) > Math.Max(1e-6, Math.Abs(expectedNumber) * 1e-9))
                {
                    problems.Add($"{at} ({got.Quantity}) value: expected {expectedNumber} ({value} {unit}), decoded {got.Value?.ToString(CultureInfo.InvariantCulture) ?? got.Text}");
                }
            }
            else
            {
                var expectedText = value.EndsWith('Z') && value.Contains('T', StringComparison.Ordinal) ? value[..^1] : value;
                var decodedText = got.Text ?? string.Empty;
                if (expectedText != decodedText && expectedText.Replace(" ", string.Empty, StringComparison.Ordinal) != decodedText)
                {
                    problems.Add($"{at} ({got.Quantity}) text: expected '{expectedText}', decoded '{decodedText}'");
                }
            }
        }

        return problems;
    }
}
