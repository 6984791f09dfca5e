using System.Globalization;
using System.Text.Json;

namespace Loos.Edge.Testing;

/// <summary>What one Modbus unit serves: registers (as both holding and input registers), coils and discrete inputs; unset addresses read 0.</summary>
public sealed class RegisterImage
{
    /// <summary>Register words by 0-based protocol (PDU) address.</summary>
    public SortedDictionary<int, ushort> Registers { get; } = [];

    public SortedDictionary<int, bool> Coils { get; } = [];

    public SortedDictionary<int, bool> DiscreteInputs { get; } = [];

    /// <summary>Sets consecutive registers from <paramref name="address"/>.</summary>
    public RegisterImage SetRegisters(int address, params ushort[] words)
    {
        for (var i = 0; i < words.Length; i++)
        {
            Registers[address + i] = words[i];
        }

        return this;
    }

    public RegisterImage SetCoils(int address, params bool[] bits)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            Coils[address + i] = bits[i];
        }

        return this;
    }

    public RegisterImage SetDiscreteInputs(int address, params bool[] bits)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            DiscreteInputs[address + i] = bits[i];
        }

        return this;
    }

    /// <summary>The registers from <paramref name="address"/>, 0 where unset.</summary>
    public ushort[] GetRegisters(int address, int count) =>
        Enumerable.Range(address, count).Select(a => Registers.TryGetValue(a, out var word) ? word : (ushort)0).ToArray();

    /// <summary>
    /// Parses a register file: one <c>address: word</c> pair per line (decimal address, word decimal or <c>0x</c> hex),
    /// or <c>address: word word word...</c> for a run; <c>#</c> starts a comment.
    /// </summary>
    /// <exception cref="FormatException">A line is not of that form; the message names the line.</exception>
    public static RegisterImage Parse(string text)
    {
        var image = new RegisterImage();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(':', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var address))
            {
                throw new FormatException($"line {lineNumber}: expected 'address: word', got '{rawLine.Trim()}'.");
            }

            var words = parts[1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => ParseWord(w, lineNumber)).ToArray();
            image.SetRegisters(address, words);
        }

        return image;
    }

    /// <summary>
    /// Loads a SunSpec device dump of the corpus (<c>sunspec/devices/*.json</c>): <c>registers_hex</c> (big-endian
    /// words, four hex digits each) placed from <c>first_address</c>.
    /// </summary>
    public static RegisterImage LoadSunSpecDump(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var firstAddress = root.GetProperty("first_address").GetInt32();
        var words = (root.GetProperty("registers_hex").GetString() ?? string.Empty)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(word => ushort.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();
        return new RegisterImage().SetRegisters(firstAddress, words);
    }

    internal void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("registers");
        WriteRuns(writer, Registers, word => word);
        writer.WritePropertyName("coils");
        WriteRuns(writer, Coils, bit => bit ? 1 : 0);
        writer.WritePropertyName("discrete_inputs");
        WriteRuns(writer, DiscreteInputs, bit => bit ? 1 : 0);
        writer.WriteEndObject();
    }

    private static void WriteRuns<T>(Utf8JsonWriter writer, SortedDictionary<int, T> values, Func<T, int> toNumber)
    {
        writer.WriteStartObject();
        var previous = int.MinValue;
        var open = false;
        foreach (var (address, value) in values)
        {
            if (!open || address != previous + 1)
            {
                if (open)
                {
                    writer.WriteEndArray();
                }

                writer.WriteStartArray(address.ToString(CultureInfo.InvariantCulture));
                open = true;
            }

            writer.WriteNumberValue(toNumber(value));
            previous = address;
        }

        if (open)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static ushort ParseWord(string word, int lineNumber)
    {
        var ok = word.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ushort.TryParse(word.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            : ushort.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new FormatException($"line {lineNumber}: '{word}' is not a 16-bit word.");
    }
}
