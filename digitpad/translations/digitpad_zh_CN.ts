<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AnswerPanel</name>
    <message>
        <source>Recognised digit</source>
        <translation>识别出的数字</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>The 28x28 image the model sees</source>
        <translation>模型看到的 28x28 图像</translation>
    </message>
    <message>
        <source>Digits:</source>
        <translation>各位数字：</translation>
    </message>
    <message>
        <source>Select a digit of the number (or right-click it on the canvas, or Left/Right)</source>
        <translation>选择数中的一位（或在画布上右键点击它，或按左/右方向键）</translation>
    </message>
    <message>
        <source>The digits in orange were read with little confidence: check them</source>
        <translation>橙色的数字把握不大：请检查</translation>
    </message>
    <message>
        <source>Digit {n}: show its probabilities; then click or type the right digit</source>
        <translation>第 {n} 位：显示它的概率；然后点击或输入正确的数字</translation>
    </message>
    <message>
        <source>Read with little confidence: check it</source>
        <translation>把握不大：请检查</translation>
    </message>
</context>
<context>
    <name>CurvePlot</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
</context>
<context>
    <name>DigitPad</name>
    <message>
        <source>Not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>a {digit}</source>
        <translation>{digit}</translation>
    </message>
</context>
<context>
    <name>DrawPage</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last stroke (Ctrl+Z)</source>
        <translation>撤销上一笔 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z or Ctrl+Y)</source>
        <translation>重做 (Ctrl+Shift+Z 或 Ctrl+Y)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the canvas (Esc or Delete); Undo brings it back</source>
        <translation>清空画布 (Esc 或 Delete)；撤销可恢复</translation>
    </message>
    <message>
        <source>Paste Picture</source>
        <translation>粘贴图片</translation>
    </message>
    <message>
        <source>Paste a picture, or a picture file copied in the file manager (Ctrl+V)</source>
        <translation>粘贴图片，或在文件管理器中复制的图片文件 (Ctrl+V)</translation>
    </message>
    <message>
        <source>Show why</source>
        <translation>显示依据</translation>
    </message>
    <message>
        <source>Colour the drawing by the evidence for the answer (red: for, blue: against); click a bar of the chart to see the evidence for that digit instead</source>
        <translation>按支持该答案的证据为书写着色（红色：支持，蓝色：反对）；点击图表中的柱条可查看该数字的证据</translation>
    </message>
    <message>
        <source>Model&apos;s view:</source>
        <translation>模型的视图：</translation>
    </message>
    <message>
        <source>Loading model… you can draw already</source>
        <translation>正在加载模型…现在已经可以书写</translation>
    </message>
    <message>
        <source>No handwriting found in this picture</source>
        <translation>这张图片中没有找到手写内容</translation>
    </message>
    <message>
        <source>Draw a digit or a number</source>
        <translation>写一个数字或一个数</translation>
    </message>
    <message>
        <source>{percent}% sure</source>
        <translation>把握 {percent}%</translation>
    </message>
    <message>
        <source>{sure}: not sure, check it</source>
        <translation>{sure}：不太确定，请检查</translation>
    </message>
    <message>
        <source>{label} — from your samples (the model alone: {model}) · {sure}</source>
        <translation>{label} — 来自你的样本（模型本身：{model}）· {sure}</translation>
    </message>
    <message>
        <source>{count} digits · digit {n} is {label}, {sure}</source>
        <translation>{count} 位数字 · 第 {n} 位是 {label}，{sure}</translation>
    </message>
    <message>
        <source>Evidence for {label}, the model&apos;s own answer: red for, blue against</source>
        <translation>{label}（模型本身的答案）的证据：红色支持，蓝色反对</translation>
    </message>
    <message>
        <source>Evidence for {label}: red for, blue against</source>
        <translation>{label} 的证据：红色支持，蓝色反对</translation>
    </message>
</context>
<context>
    <name>DrawingCanvas</name>
    <message>
        <source>Drawing canvas</source>
        <translation>书写画布</translation>
    </message>
    <message>
        <source>Draw a digit or a number here; right-click a boxed digit to select it</source>
        <translation>在这里写一个数字或一个数；右键点击带框的数字可选中它</translation>
    </message>
    <message>
        <source>Draw a digit or a number here
(or drop, paste or open a picture)</source>
        <translation>在这里写一个数字或一个数
（或拖入、粘贴、打开一张图片）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{reason} Saving samples is off until it can be opened.</source>
        <translation>{reason} 在能够打开之前，保存样本功能已关闭。</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>书写</translation>
    </message>
    <message>
        <source>My samples</source>
        <translation>我的样本</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Your samples are read with the model: a drawing like one of them gets its label (View menu)</source>
        <translation>识别时也参考你的样本：与某个样本相似的书写会得到它的标签（“视图”菜单）</translation>
    </message>
    <message>
        <source>Your samples database was damaged and could not be read. It was moved aside to {path}; DigitPad started a new, empty one.</source>
        <translation>你的样本数据库已损坏，无法读取。它已被移到 {path}；DigitPad 新建了一个空数据库。</translation>
    </message>
    <message>
        <source>{count} samples saved by an older DigitPad break today&apos;s rules (a label out of range, a damaged image) and were kept aside in the samples database, not shown; the others are here.</source>
        <translation>旧版 DigitPad 保存的 {count} 个样本不符合现在的规则（标签超出范围、图像损坏），已单独保留在样本数据库中，不再显示；其余样本都在这里。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model File…</source>
        <translation>打开模型文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Image…</source>
        <translation>打开图片(&amp;I)…</translation>
    </message>
    <message>
        <source>Read a digit or a number in a picture: a photo, a scan, a screenshot</source>
        <translation>识别图片中的数字或数：照片、扫描件、截图</translation>
    </message>
    <message>
        <source>&amp;Export Model…</source>
        <translation>导出模型(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the active model for serving (SavedModel) or phones (TensorFlow Lite), checked on MNIST</source>
        <translation>保存当前模型，用于服务部署 (SavedModel) 或手机 (TensorFlow Lite)，并在 MNIST 上校验</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Use My Samples</source>
        <translation>参考我的样本(&amp;U)</translation>
    </message>
    <message>
        <source>Read each drawing with your samples too: one like a sample you saved gets its label at once</source>
        <translation>识别每次书写时也参考你的样本：与已保存样本相似的书写立即得到它的标签</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DigitPad</source>
        <translation>关于 DigitPad(&amp;A)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language changes when DigitPad is started again.</source>
        <translation>重新启动 DigitPad 后将切换语言。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Your samples: off</source>
        <translation>参考样本：关闭</translation>
    </message>
    <message>
        <source>Your samples: {count} in use</source>
        <translation>参考样本：{count} 个</translation>
    </message>
    <message>
        <source>The model choice could not be saved: {reason}</source>
        <translation>无法保存模型选择：{reason}</translation>
    </message>
    <message>
        <source>the bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Keras models (*.keras)</source>
        <translation>Keras 模型 (*.keras)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Pictures (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export Model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Export Model As</source>
        <translation>将模型导出为</translation>
    </message>
    <message>
        <source>TensorFlow SavedModel (a folder): for serving</source>
        <translation>TensorFlow SavedModel（文件夹）：用于服务部署</translation>
    </message>
    <message>
        <source>TensorFlow Lite, float16 weights (a .tflite file): for phones and small devices</source>
        <translation>TensorFlow Lite，float16 权重（.tflite 文件）：用于手机和小型设备</translation>
    </message>
    <message>
        <source>ONNX (a .onnx file): for other runtimes</source>
        <translation>ONNX（.onnx 文件）：用于其他运行时</translation>
    </message>
    <message>
        <source>Exporting the model as {format} and checking it on MNIST…</source>
        <translation>正在将模型导出为 {format} 并在 MNIST 上校验…</translation>
    </message>
    <message>
        <source>Exported {name} as {format} to {path} ({megabytes} MB). Checked in its own runtime: it answers like DigitPad on {agreement}% of {images} MNIST test images.</source>
        <translation>已将 {name} 以 {format} 格式导出到 {path}（{megabytes} MB）。已在其自身的运行时中校验：在 {images} 张 MNIST 测试图像中，有 {agreement}% 的答案与 DigitPad 一致。</translation>
    </message>
    <message>
        <source>Model exported</source>
        <translation>模型已导出</translation>
    </message>
    <message>
        <source>Export refused: {reason}</source>
        <translation>拒绝导出：{reason}</translation>
    </message>
    <message>
        <source>Export refused</source>
        <translation>拒绝导出</translation>
    </message>
    <message>
        <source>{reason}. Using the bundled model instead.</source>
        <translation>{reason}。改用内置模型。</translation>
    </message>
    <message>
        <source>Model: {name} — MNIST test accuracy {percent}%</source>
        <translation>模型：{name} — MNIST 测试准确率 {percent}%</translation>
    </message>
    <message>
        <source>Model: {name}</source>
        <translation>模型：{name}</translation>
    </message>
    <message>
        <source>No model: recognition is off</source>
        <translation>没有模型：识别已关闭</translation>
    </message>
    <message>
        <source>About DigitPad</source>
        <translation>关于 DigitPad</translation>
    </message>
    <message>
        <source>&lt;h3&gt;DigitPad {version}&lt;/h3&gt;&lt;p&gt;Draw a digit, see it recognised live.&lt;/p&gt;&lt;p&gt;The bundled model was trained on MNIST by Yann LeCun and Corinna Cortes (with Christopher J.C. Burges), licensed CC BY-SA 3.0, and on UNIPEN pen handwriting (The International Unipen Foundation), licensed CC BY 4.0.&lt;/p&gt;&lt;p&gt;Log file: {log}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;DigitPad {version}&lt;/h3&gt;&lt;p&gt;写一个数字，实时看到识别结果。&lt;/p&gt;&lt;p&gt;内置模型的训练数据为 Yann LeCun 与 Corinna Cortes（及 Christopher J.C. Burges）的 MNIST（CC BY-SA 3.0 许可），以及 UNIPEN 笔迹手写数据（The International Unipen Foundation，CC BY 4.0 许可）。&lt;/p&gt;&lt;p&gt;日志文件：{log}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none (the data folder cannot be written)</source>
        <translation>无（数据文件夹无法写入）</translation>
    </message>
    <message>
        <source>Training in progress</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Stop training and quit? The model being trained is lost.</source>
        <translation>停止训练并退出？正在训练的模型将会丢失。</translation>
    </message>
</context>
<context>
    <name>ModelsPanel</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>MNIST test</source>
        <translation>MNIST 测试</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source> (bundled)</source>
        <translation>（内置）</translation>
    </message>
    <message>
        <source> — unusable: it {0}</source>
        <translation> — 无法使用：{0}</translation>
    </message>
    <message>
        <source>{0}
Architecture: {1}
Parameters: {2}
Data: {3}
Epochs: {4}</source>
        <translation>{0}
架构：{1}
参数：{2}
数据：{3}
轮次：{4}</translation>
    </message>
    <message>
        <source>Could not switch models</source>
        <translation>无法切换模型</translation>
    </message>
    <message>
        <source>The choice was not saved: {0}</source>
        <translation>选择未能保存：{0}</translation>
    </message>
    <message>
        <source>Rename model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Could not rename the model</source>
        <translation>无法重命名模型</translation>
    </message>
    <message>
        <source>Its card could not be written: {0}. The name was not changed.</source>
        <translation>无法写入它的模型卡：{0}。名称没有改变。</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Delete “{0}”? This cannot be undone.</source>
        <translation>删除“{0}”？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Could not delete the model</source>
        <translation>无法删除模型</translation>
    </message>
    <message>
        <source>{0}. Nothing was deleted.</source>
        <translation>{0}。没有删除任何内容。</translation>
    </message>
</context>
<context>
    <name>PictureInput</name>
    <message>
        <source>That picture is empty.</source>
        <translation>这张图片是空的。</translation>
    </message>
    <message>
        <source>Picture pasted. Clear removes it; Undo brings back what was there.</source>
        <translation>已粘贴图片。清除可将其移除；撤销可恢复原来的内容。</translation>
    </message>
    <message>
        <source>Opening {path}…</source>
        <translation>正在打开 {path}…</translation>
    </message>
    <message>
        <source>Opened {name}. Clear removes it; Undo brings back what was there.</source>
        <translation>已打开 {name}。清除可将其移除；撤销可恢复原来的内容。</translation>
    </message>
    <message>
        <source>Could not open {name}: {reason}</source>
        <translation>无法打开 {name}：{reason}</translation>
    </message>
    <message>
        <source>Nothing to paste: copy a picture, or a picture file in the file manager.</source>
        <translation>没有可粘贴的内容：请复制一张图片，或在文件管理器中复制一个图片文件。</translation>
    </message>
</context>
<context>
    <name>ProbabilityChart</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>digit, or none (not a digit)</source>
        <translation>数字，或“无”（不是数字）</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RecipeForm</name>
    <message>
        <source>Convolutional network (the bundled model&apos;s)</source>
        <translation>卷积网络（内置模型所用）</translation>
    </message>
    <message>
        <source>Tutorial MLP (Dense 128)</source>
        <translation>教程中的 MLP (Dense 128)</translation>
    </message>
    <message>
        <source>MNIST + pen strokes + not-a-digit</source>
        <translation>MNIST + 笔迹 + 非数字</translation>
    </message>
    <message>
        <source>Augment (rotate, scale, shift, thicken/thin)</source>
        <translation>数据增强（旋转、缩放、平移、加粗/变细）</translation>
    </message>
    <message>
        <source> (the bundled recipe)</source>
        <translation>（内置配方）</translation>
    </message>
    <message>
        <source>MNIST from a file…</source>
        <translation>来自文件的 MNIST…</translation>
    </message>
    <message>
        <source>path to an .npz in Keras&apos; MNIST layout</source>
        <translation>Keras MNIST 格式的 .npz 文件路径</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Validation split</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Training data</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <source>MNIST data</source>
        <translation>MNIST 数据</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz)</source>
        <translation>NumPy 归档 (*.npz)</translation>
    </message>
    <message>
        <source>Choose the MNIST file to train on.</source>
        <translation>请选择用于训练的 MNIST 文件。</translation>
    </message>
    <message>
        <source>No such file: {0}</source>
        <translation>文件不存在：{0}</translation>
    </message>
    <message>
        <source>Your samples, mixed with MNIST</source>
        <translation>你的样本，混合 MNIST</translation>
    </message>
</context>
<context>
    <name>RecognitionService</name>
    <message>
        <source>Recognition failed: {reason}</source>
        <translation>识别失败：{reason}</translation>
    </message>
    <message>
        <source>{name} could not be used ({reason}); still using {current}.</source>
        <translation>无法使用 {name}（{reason}）；仍在使用 {current}。</translation>
    </message>
    <message>
        <source>The bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>No model could be loaded: {reason}</source>
        <translation>无法加载任何模型：{reason}</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <source>Result on the MNIST test set</source>
        <translation>MNIST 测试集上的结果</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>true {0}</source>
        <translation>真实 {0}</translation>
    </message>
    <message>
        <source>Rows: the true digit. Columns: what the model said (none: not a digit).</source>
        <translation>行：真实数字。列：模型的答案（无：不是数字）。</translation>
    </message>
    <message>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; of {1} MNIST test images right ({2} wrong) with the best epoch&apos;s weights (of {3}). </source>
        <translation>使用最佳轮次的权重（共 {3} 轮），{1} 张 MNIST 测试图像的正确率为 &lt;b&gt;{0}&lt;/b&gt;（错 {2} 张）。</translation>
    </message>
    <message>
        <source>Weakest digit: {0} ({1}).</source>
        <translation>最弱的数字：{0}（{1}）。</translation>
    </message>
    <message>
        <source>&lt;br&gt;MNIST test: {0} before, {1} after ({2} points).</source>
        <translation>&lt;br&gt;MNIST 测试：之前 {0}，之后 {1}（{2} 个百分点）。</translation>
    </message>
    <message>
        <source>&lt;br&gt;Nothing was kept aside to measure on (trained on {0}): save at least two samples of a digit.</source>
        <translation>&lt;br&gt;没有留出样本用于衡量（训练用了 {0}）：请为某个数字至少保存两个样本。</translation>
    </message>
    <message>
        <source>1 sample</source>
        <translation>1 个样本</translation>
    </message>
    <message>
        <source>{0} samples</source>
        <translation>{0} 个样本</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Your held-out samples ({0}): {1} before, {2} after&lt;/b&gt; (trained on {3}).</source>
        <translation>&lt;br&gt;&lt;b&gt;你留出的样本（{0} 个）：之前 {1}，之后 {2}&lt;/b&gt;（训练用了 {3} 个）。</translation>
    </message>
</context>
<context>
    <name>SampleListModel</name>
    <message>
        <source>{label} (read {answer})</source>
        <translation>{label}（读成 {answer}）</translation>
    </message>
    <message>
        <source>{label} (like your {answer})</source>
        <translation>{label}（像你的 {answer}）</translation>
    </message>
    <message>
        <source>Sample #{id}: {label}</source>
        <translation>样本 #{id}：{label}</translation>
    </message>
    <message>
        <source>Saved {when}</source>
        <translation>保存于 {when}</translation>
    </message>
    <message>
        <source>The active model reads it as {answer}</source>
        <translation>当前模型把它读成 {answer}</translation>
    </message>
    <message>
        <source>Your samples most like it are {answer}: is its label wrong?</source>
        <translation>与它最相似的样本是 {answer}：标签是否有误？</translation>
    </message>
    <message>
        <source>When it was saved, the model read {answer}</source>
        <translation>保存时，模型读成 {answer}</translation>
    </message>
</context>
<context>
    <name>SamplesPage</name>
    <message>
        <source>All samples</source>
        <translation>全部样本</translation>
    </message>
    <message>
        <source>Only {0}s</source>
        <translation>只看 {0}</translation>
    </message>
    <message>
        <source>Only “not a digit”</source>
        <translation>只看“不是数字”</translation>
    </message>
    <message>
        <source>Only the ones the model gets wrong</source>
        <translation>只看模型认错的</translation>
    </message>
    <message>
        <source>Only the ones my other samples disagree with</source>
        <translation>只看与我其他样本不一致的</translation>
    </message>
    <message>
        <source>Samples whose most similar other samples have another label: a wrong label, or a look-alike</source>
        <translation>最相似的其他样本标签不同：可能标错了，或写得很像</translation>
    </message>
    <message>
        <source>Relabel…</source>
        <translation>重新标注…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete the selected samples (Delete on this tab)</source>
        <translation>删除选中的样本（在此标签页按 Delete）</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Bring back the samples deleted last (Ctrl+Z on this tab)</source>
        <translation>恢复最近删除的样本（在此标签页按 Ctrl+Z）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>1 sample</source>
        <translation>1 个样本</translation>
    </message>
    <message>
        <source>{0} samples</source>
        <translation>{0} 个样本</translation>
    </message>
    <message>
        <source> — the active model gets {0} wrong</source>
        <translation> — 当前模型认错 {0} 个</translation>
    </message>
    <message>
        <source>, your other samples disagree with {0}</source>
        <translation>，与其他样本不一致 {0} 个</translation>
    </message>
    <message>
        <source>No sample matches this choice.</source>
        <translation>没有符合此筛选的样本。</translation>
    </message>
    <message>
        <source>No samples yet.

When a guess is wrong, click the right digit under the chart on the Draw tab or press its key; “✓ Right” keeps a drawing the model reads right. The samples kept here teach the model your handwriting (Train tab, “Fine-tune on my samples”).

“Import…” reads samples exported from DigitPad.</source>
        <translation>还没有样本。

识别错误时，在“书写”页的图表下点击正确的数字，或按该数字键；“✓ 正确”保存模型认对的书写。保存在这里的样本会让模型学会你的笔迹（“训练”页，“用我的样本微调”）。

“导入…”读取从 DigitPad 导出的样本。</translation>
    </message>
    <message>
        <source>not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>Relabel</source>
        <translation>重新标注</translation>
    </message>
    <message>
        <source>These {0} samples show:</source>
        <translation>这 {0} 个样本写的是：</translation>
    </message>
    <message>
        <source>Relabelled {0} as {1}.</source>
        <translation>已将 {0} 重新标注为 {1}。</translation>
    </message>
    <message>
        <source>Nothing was relabelled</source>
        <translation>没有重新标注任何样本</translation>
    </message>
    <message>
        <source>Deleted {0}. “Undo delete” (Ctrl+Z) brings them back.</source>
        <translation>已删除 {0}。“撤销删除”(Ctrl+Z) 可恢复。</translation>
    </message>
    <message>
        <source>Nothing was deleted</source>
        <translation>没有删除任何样本</translation>
    </message>
    <message>
        <source>Brought back {0}.</source>
        <translation>已恢复 {0}。</translation>
    </message>
    <message>
        <source> {0} were already there again.</source>
        <translation> 其中 {0} 个已经存在。</translation>
    </message>
    <message>
        <source>Nothing was brought back</source>
        <translation>没有恢复任何样本</translation>
    </message>
    <message>
        <source>Export samples</source>
        <translation>导出样本</translation>
    </message>
    <message>
        <source>DigitPad samples (*.json)</source>
        <translation>DigitPad 样本 (*.json)</translation>
    </message>
    <message>
        <source>Exported {0} samples to {1}.</source>
        <translation>已将 {0} 个样本导出到 {1}。</translation>
    </message>
    <message>
        <source>Could not export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Import samples</source>
        <translation>导入样本</translation>
    </message>
    <message>
        <source>Imported {0} new samples from {1}</source>
        <translation>已从 {1} 导入 {0} 个新样本</translation>
    </message>
    <message>
        <source>; {0} were already here.</source>
        <translation>；其中 {0} 个已经存在。</translation>
    </message>
    <message>
        <source>Nothing was imported</source>
        <translation>没有导入任何内容</translation>
    </message>
</context>
<context>
    <name>StoreTasks</name>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>{failure}: the samples database is busy (another program is writing to it). Nothing was changed; try again in a moment.</source>
        <translation>{failure}：样本数据库正忙（另一个程序正在写入）。没有做任何更改；请稍后再试。</translation>
    </message>
</context>
<context>
    <name>TeachingPanel</name>
    <message>
        <source>Wrong? The right digit is:</source>
        <translation>认错了？正确的数字是：</translation>
    </message>
    <message>
        <source>Click the right digit or press its key: the drawing is saved as your sample</source>
        <translation>点击正确的数字或按下对应按键：这次书写将保存为你的样本</translation>
    </message>
    <message>
        <source>Save this drawing as a {digit} (key {digit})</source>
        <translation>将这次书写保存为 {digit}（按键 {digit}）</translation>
    </message>
    <message>
        <source>Save this drawing as not a digit (key N)</source>
        <translation>将这次书写保存为“不是数字”（按键 N）</translation>
    </message>
    <message>
        <source>✓ Right: keep as a sample</source>
        <translation>✓ 正确：保存为样本</translation>
    </message>
    <message>
        <source>Save this drawing with the recognised digit</source>
        <translation>按识别出的数字保存这次书写</translation>
    </message>
    <message>
        <source>Nothing to keep: draw a digit first</source>
        <translation>没有可保存的内容：请先写一个数字</translation>
    </message>
    <message>
        <source>Nothing to keep: no handwriting was found in this picture</source>
        <translation>没有可保存的内容：这张图片中没有找到手写内容</translation>
    </message>
    <message>
        <source>Nothing to keep yet: the answer for this drawing is on its way</source>
        <translation>暂时没有可保存的内容：这次书写的识别结果即将出现</translation>
    </message>
    <message>
        <source>Wrong? Digit {n} is really:</source>
        <translation>认错了？第 {n} 位其实是：</translation>
    </message>
    <message>
        <source>Wait for the guess of this drawing, then keep it.</source>
        <translation>请等待这次书写的识别结果，然后再保存。</translation>
    </message>
    <message>
        <source>Kept the {count} digits of {number} as samples ({new} new).</source>
        <translation>已将 {number} 的 {count} 位数字保存为样本（新增 {new} 个）。</translation>
    </message>
    <message>
        <source>Draw a digit first, then give its label.</source>
        <translation>请先写一个数字，再给出它的标签。</translation>
    </message>
    <message>
        <source>Already saved as {label}.</source>
        <translation>已保存为 {label}。</translation>
    </message>
    <message>
        <source>Saved as {label}{it_said}: sample #{id}. Undo brings the drawing back.</source>
        <translation>已保存为 {label}{it_said}：样本 #{id}。撤销可恢复这次书写。</translation>
    </message>
    <message>
        <source>Digit {n} is already saved as {label}.</source>
        <translation>第 {n} 位已保存为 {label}。</translation>
    </message>
    <message>
        <source>Saved digit {n} of {number} as {label}{it_said}: sample #{id}.</source>
        <translation>已将 {number} 的第 {n} 位保存为 {label}{it_said}：样本 #{id}。</translation>
    </message>
    <message>
        <source>Could not save the samples: {reason}</source>
        <translation>无法保存样本：{reason}</translation>
    </message>
    <message>
        <source>Could not save the sample: {reason}</source>
        <translation>无法保存样本：{reason}</translation>
    </message>
    <message>
        <source> (it said {answer})</source>
        <translation>（模型识别为 {answer}）</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>The bundled model&apos;s recipe</source>
        <translation>内置模型的配方</translation>
    </message>
    <message>
        <source>Fine-tune on my samples</source>
        <translation>用我的样本微调</translation>
    </message>
    <message>
        <source>Start from the active model and teach it your samples, mixed with MNIST so that it keeps reading everyone else</source>
        <translation>从当前模型出发，用你的样本（混合 MNIST）教它，使它仍能识别其他人的书写</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>配方</translation>
    </message>
    <message>
        <source>Ready to train</source>
        <translation>准备训练</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Trains on: the CPU, or a GPU when TensorFlow sees one (shown at Start)</source>
        <translation>训练设备：CPU，或 TensorFlow 检测到的 GPU（开始时显示）</translation>
    </message>
    <message>
        <source>Trains on: {0}</source>
        <translation>训练设备：{0}</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>You have no samples yet: on the Draw tab, draw a digit and click its right label to save it, then fine-tune.</source>
        <translation>你还没有样本：在“书写”标签页写一个数字，点击它的正确标签保存，然后再微调。</translation>
    </message>
    <message>
        <source>Fine-tuning needs two samples of at least one digit: one to learn from and one kept aside to measure what it learnt. You have {0}; save another of a digit you have.</source>
        <translation>微调至少需要某个数字的两个样本：一个用来学习，一个留出来衡量学到了什么。你现在有 {0}；请为已有的某个数字再保存一个样本。</translation>
    </message>
    <message>
        <source>Fine-tuning on {0} of your samples ({1} kept aside to measure)…</source>
        <translation>正在用你的 {0} 个样本微调（留出 {1} 个用于衡量）…</translation>
    </message>
    <message>
        <source>1 sample</source>
        <translation>1 个样本</translation>
    </message>
    <message>
        <source>{0} samples</source>
        <translation>{0} 个样本</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>将在本批次后停止…</translation>
    </message>
    <message>
        <source>Epoch {0}/{1} · batch {2}/{3} · {4} left</source>
        <translation>第 {0}/{1} 轮 · 批次 {2}/{3} · 剩余 {4}</translation>
    </message>
    <message>
        <source>Measuring on the MNIST test set…</source>
        <translation>正在 MNIST 测试集上衡量…</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>{0} after {1} {2} in {3}</source>
        <translation>{0}：{1} {2}，用时 {3}</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>Saving the model…</source>
        <translation>正在保存模型…</translation>
    </message>
    <message>
        <source>Saved as {0}</source>
        <translation>已保存为 {0}</translation>
    </message>
    <message>
        <source>Could not save the model</source>
        <translation>无法保存模型</translation>
    </message>
    <message>
        <source>The model was not saved: {0}. Nothing else was changed.</source>
        <translation>模型未保存：{0}。其他内容均未改动。</translation>
    </message>
    <message>
        <source>Discarded: the trained model was not kept</source>
        <translation>已丢弃：训练出的模型没有保留</translation>
    </message>
</context>
<context>
    <name>TrainingService</name>
    <message>
        <source>The active model cannot be fine-tuned: {reason}. Choose another model on the Train tab first.</source>
        <translation>无法微调当前模型：{reason}。请先在“训练”标签页选择另一个模型。</translation>
    </message>
    <message>
        <source>Training failed: {reason}</source>
        <translation>训练失败：{reason}</translation>
    </message>
</context>
</TS>
