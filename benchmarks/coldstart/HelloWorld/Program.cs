// Prints one line and exits: the shortest life a Native AOT process has.
Console.WriteLine("Hello, World!");
