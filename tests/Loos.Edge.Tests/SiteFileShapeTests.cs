using System.Text;
using Loos.Edge.Buffer;
using Loos.Edge.Forwarding;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Tests;

/// <summary>What a site file must refuse although it parses: a value of the wrong shape, a path the system cannot open, bytes that are not text.</summary>
public sealed class SiteFileShapeTests : SiteFileTest
{
    [Fact]
    public void Load_TargetsWrittenAsAMapping_NamesTheKeyInsteadOfForwardingNothing()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            forwarder:
              targets:
                name: central
                api: v1
                url: http://127.0.0.1:8086
                database: edge
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains($"{path}:4: forwarder:targets: a list is expected here, not a mapping.", problems);
    }

    [Fact]
    public void Load_TargetsWrittenAsOneValue_NamesTheKey()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            forwarder:
              targets: central
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:4: forwarder:targets: a list is expected here, not a single value.", problem);
    }

    [Fact]
    public void Load_ListItemThatIsAValueWhereAnObjectBelongs_NamesTheItem()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            forwarder:
              targets:
                - central
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:5: forwarder:targets:0: a mapping of keys is expected here, not a single value.", problem);
    }

    [Fact]
    public void Load_SectionWrittenAsAList_NamesTheSection()
    {
        var path = Write("""
            buffer:
              - directory: /tmp/x
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains($"{path}:1: buffer: a mapping of keys is expected here, not a list.", problems);
    }

    [Fact]
    public void Load_SectionWrittenAsAValue_NamesTheSection()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            mqtt: broker.local
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:3: mqtt: a mapping of keys is expected here, not a single value.", problem);
    }

    [Theory]
    [InlineData("buffer:\n  directory: /tmp/x\n  capBytes: [1, 2]\n", 3, "buffer:capBytes", "a single value", "a list")]
    [InlineData("buffer:\n  directory:\n    path: /tmp/x\n", 2, "buffer:directory", "a single value", "a mapping")]
    [InlineData("buffer:\n  directory: /tmp/x\nmqtt:\n  tls: true\n", 4, "mqtt:tls", "a mapping of keys", "a single value")]
    [InlineData("buffer:\n  directory: /tmp/x\nmqtt:\n  tls: [enabled]\n", 4, "mqtt:tls", "a mapping of keys", "a list")]
    [InlineData("buffer:\n  directory: /tmp/x\nrollups:\n  windows: 15m\n", 4, "rollups:windows", "a list", "a single value")]
    [InlineData("buffer:\n  directory: /tmp/x\nrollups:\n  windows:\n    - [15m]\n", 5, "rollups:windows:0", "a single value", "a list")]
    [InlineData("buffer:\n  directory: /tmp/x\nmbus:\n  lines:\n    - name: cellar\n      device: /dev/ttyUSB0\n      meters:\n        - name: h\n          address: 5\n          tags: [a]\n", 10, "mbus:lines:0:meters:0:tags", "a mapping of keys", "a list")]
    public void Load_ValueOfTheWrongShape_NamesLineKeyAndBothShapes(string yaml, int line, string key, string expected, string found)
    {
        var path = Write(yaml);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains($"{path}:{line}: {key}: {expected} is expected here, not {found}.", problems);
    }

    [Fact]
    public void Load_EmptyListAndEmptyValue_AreNoneRatherThanWrongShapes()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            forwarder:
              targets: []
            rollups:
              windows:
            """);

        var site = SiteConfiguration.Load(path);

        Assert.Empty(site.Options<ForwarderOptions>().Targets);
    }

    [Theory]
    [InlineData("buffer:\n  directory: \"/tmp/a\\0b\"\n", 2, "buffer:directory")]
    [InlineData("buffer:\n  directory: \"/tmp/a\\tb\"\n", 2, "buffer:directory")]
    [InlineData("buffer:\n  directory: /tmp/x\nrollups:\n  stateFile: \"state\\x01\"\n", 4, "rollups:stateFile")]
    [InlineData("buffer:\n  directory: /tmp/x\nmqtt:\n  host: broker.local\n  tls:\n    enabled: true\n    caFile: \"ca\\u0085.pem\"\n", 7, "mqtt:tls:caFile")]
    [InlineData("buffer:\n  directory: /tmp/x\nmbus:\n  lines:\n    - name: cellar\n      device: \"/dev/tty\\x1bUSB0\"\n", 6, "mbus:lines:0:device")]
    [InlineData("buffer:\n  directory: /tmp/x\nforwarder:\n  targets:\n    - name: c\n      api: v1\n      url: http://127.0.0.1:8086\n      database: edge\n      passwordFile: \"pass\\x7fword\"\n", 9, "forwarder:targets:0:passwordFile")]
    public void Load_PathWithAControlCharacter_NamesTheKeyAndTheCharacter(string yaml, int line, string key)
    {
        var path = Write(yaml);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:{line}: {key}: the path contains the control character U+", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PathLongerThanTheSystemAllows_NamesTheKeyAndTheLimit()
    {
        var directory = "/tmp/" + string.Join('/', Enumerable.Repeat(new string('d', 200), 25));
        var path = Write($"buffer:\n  directory: {directory}\n");

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:2: buffer:directory: the path is {Encoding.UTF8.GetByteCount(directory)} bytes long; the system allows at most {SitePaths.MaximumPathBytes}.", problem);
    }

    [Fact]
    public void Load_PathWithANameLongerThanTheSystemAllows_NamesTheKeyAndTheName()
    {
        var path = Write($"buffer:\n  directory: /tmp/x\ngpio:\n  stateDirectory: /tmp/{new string('é', 128)}/counters\n");

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:4: gpio:stateDirectory: the name '{new string('é', 128)}' is 256 bytes long; the system allows at most {SitePaths.MaximumNameBytes} per name.", problem);
    }

    [Fact]
    public void Load_TenMegabyteDirectoryName_IsRefusedBySize()
    {
        var path = Path.Combine(Folder, "site.yaml");
        File.WriteAllText(path, "buffer:\n  directory: /tmp/" + new string('d', 10 * 1024 * 1024) + "\n");

        var exception = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.StartsWith($"{path}: the site file is larger than {SiteFile.MaximumBytes} bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileThatIsNotUtf8_NamesTheByteOffsetAndLine()
    {
        var path = Path.Combine(Folder, "site.yaml");
        var bytes = Encoding.UTF8.GetBytes("buffer:\n  directory: /tmp/x\nsite:\n  name: école-\u00e9\n").ToList();
        // "école" as Latin-1: 0xE9 alone is not UTF-8.
        var offset = bytes.IndexOf(0xC3);
        bytes.RemoveAt(offset);
        File.WriteAllBytes(path, [.. bytes]);

        var exception = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.Equal($"{path}:4: the site file is not valid UTF-8: byte 0xA9 at byte offset {offset} (save the file as UTF-8).", exception.Message);
    }

    [Fact]
    public void Load_Utf8WithByteOrderMark_IsRead()
    {
        var path = Path.Combine(Folder, "site.yaml");
        File.WriteAllText(path, "buffer:\n  directory: /tmp/x\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal("/tmp/x", SiteConfiguration.Load(path).Options<BufferOptions>().Directory);
    }
}
