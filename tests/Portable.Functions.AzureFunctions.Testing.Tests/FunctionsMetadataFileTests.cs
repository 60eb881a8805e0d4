namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>Host indexing: the functions.metadata file the Worker SDK writes beside the app.</summary>
public sealed class FunctionsMetadataFileTests
{
    [Fact]
    public void Read_ClassicWorkerAppsFile_ListsItsFunctionsWithBindings()
    {
        var functions = FunctionsMetadataFile.Read(Path.GetDirectoryName(WorkerApps.Classic)!);

        var order = Assert.Single(functions, f => f.Name == "ProcessOrder");
        Assert.Equal("ClassicWorkerApp.dll", order.ScriptFile);
        Assert.Equal("ClassicWorkerApp.TriggerFunctions.ProcessOrder", order.EntryPoint);
        Assert.Equal("queueTrigger", order.TriggerType);
        Assert.Equal("orders", order.Trigger!.GetProperty("queueName"));
        Assert.Equal(13, functions.Count);
        Assert.Equal(functions.Count, functions.Select(f => f.FunctionId).Distinct().Count());
    }

    [Fact]
    public void Read_FolderWithoutTheFile_Throws()
    {
        var empty = Directory.CreateTempSubdirectory("pf-azure-emulator-").FullName;
        try
        {
            Assert.Throws<InvalidOperationException>(() => FunctionsMetadataFile.Read(empty));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
