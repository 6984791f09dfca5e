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

    /// <summary>The register dumps with expected values (the pysunspec2 images have no registers); none fails the test.</summary>
    public static IReadOnlyList<string> DeviceDumps
    {
        get
        {
            var dumps = Directory.GetFiles(Devices, "*.json").Order(StringComparer.Ordinal).ToList();
            Assert.True(dumps.Count > 0, $"no device dump (*.json) in {Devices}: there is nothing to compare with");
            return dumps;
        }
    }

    /// <summary>Whether the dump's model chain ends with the end model <c>FFFF 0000</c>, as the dump itself states.</summary>
    public static bool EndModelPresent(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("end_model_ffff_0000_present").GetBoolean();
    }

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
