using System.Globalization;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.SunSpec.Tests;

/// <summary>The third-party SunSpec corpus, read in place through <see cref="RepositoryPaths"/>.</summary>
internal static class Corpus
{
    public const string ModelsFolder = "sunspec/models";
    public const string DevicesFolder = "sunspec/devices";

    public static string Models => RepositoryPaths.CorpusFolder(ModelsFolder)!;

    public static string Devices => RepositoryPaths.CorpusFolder(DevicesFolder)!;

    /// <summary>The register dumps with expected values (the pysunspec2 images have no registers).</summary>
    public static IEnumerable<string> DeviceDumps => Directory.GetFiles(Devices, "*.json").Order(StringComparer.Ordinal);

    /// <summary>A device dump: its registers from <c>first_address</c> and its expected decoded values.</summary>
    public static (ushort FirstAddress, ushort[] Registers, JsonElement Expected) LoadDump(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var words = root.GetProperty("registers_hex").GetString()!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var registers = words.Select(word => ushort.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return ((ushort)root.GetProperty("first_address").GetInt32(), registers, root.GetProperty("expected").Clone());
    }
}
